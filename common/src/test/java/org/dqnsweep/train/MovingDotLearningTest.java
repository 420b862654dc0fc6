package org.dqnsweep.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.env.MovingDot;
import org.dqnsweep.storage.LocalStorage;
import org.dqnsweep.util.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain on a task that needs frame history: FrameStack (acting) and the replay's stacking by index
 * (learning) must agree on the frame order, and each sampled state must line up with its action, reward and next
 * state, or the greedy policy cannot name the dot's direction.
 */
class MovingDotLearningTest {
  private static final Path PRESET = Path.of(System.getProperty("dqn.home", "..")).resolve("conf/trials/moving-dot.yaml");

  @BeforeAll
  static void torch() {
    Torch.select(DeviceSetting.CPU, 1);
  }

  private static double greedyReturn(Path dir, int stack) throws IOException {
    TrialConfig c = TrialConfig.load(PRESET, List.of("env.frame_stack=" + stack));
    double[] mean = {Double.NaN};
    TrialListener evals = new TrialListener() {
      @Override
      public void onEvaluation(Evaluation e) {
        mean[0] = e.mean();
      }
    };
    try (Trainer t = new Trainer(c, Device.cpu(), new LocalStorage(dir), false, evals)) {
      t.run();
    }
    return mean[0];
  }

  @Test
  void aStackOfFourLearnsTheDirectionAndOneFrameCannot(@TempDir Path dir) throws IOException {
    double best = MovingDot.STEPS - 1; // every step but the first, which sees a single frame
    double stacked = greedyReturn(dir.resolve("stack4"), 4);
    assertTrue(stacked >= 0.9 * best, "frame_stack 4: mean greedy return " + stacked + ", best about " + best);
    double single = greedyReturn(dir.resolve("stack1"), 1);
    assertTrue(single <= 0.5 * best, "frame_stack 1 cannot see motion, yet returned " + single);
    assertTrue(stacked - single >= 10, "stack 4 " + stacked + " vs stack 1 " + single);
  }
}
