package org.dqnsweep.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.storage.HadoopStorage;
import org.dqnsweep.train.Listeners;
import org.dqnsweep.train.Trainer;
import org.dqnsweep.train.TrialListener;
import org.dqnsweep.util.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetSinkTest {
  private static final Path TRIALS = Path.of(System.getProperty("dqn.home", "..")).resolve("conf/trials");
  private static final Configuration CONF = new Configuration();

  @BeforeAll
  static void torch() {
    Torch.select(DeviceSetting.CPU, 1);
  }

  /** Throws at one agent step, as a killed task would. */
  private record Crash(long at) implements TrialListener {
    @Override
    public void onTransition(Transition t) {
      if (t.step() == at) {
        throw new IllegalStateException("injected crash at step " + at);
      }
    }
  }

  private static void train(TrialConfig c, Path root, boolean resume, long crashAt, long framesEvery)
      throws IOException {
    ParquetSink sink = new ParquetSink(CONF, new org.apache.hadoop.fs.Path(root.toUri()), "t-1", framesEvery);
    try (sink; Trainer t = new Trainer(c, Device.cpu(), new HadoopStorage(
        new org.apache.hadoop.fs.Path(root.resolve("checkpoints/t-1").toUri()), CONF), resume,
        new Listeners(sink, new Crash(crashAt)))) {
      t.run();
    }
  }

  private static List<Group> read(Path tableDir) throws IOException {
    return ParquetTable.read(CONF, new org.apache.hadoop.fs.Path(tableDir.toUri()));
  }

  @Test
  void aCrashedAndResumedTrialWritesEachRowExactlyOnce(@TempDir Path dir) throws IOException {
    // checkpoints at 300 and at the end (450); the crash at 431 loses the rows after 300, which the resume rewrites
    TrialConfig c = TrialConfig.load(TRIALS.resolve("pong-smoke.yaml"), List.of("trainer.max_agent_steps=450",
        "trainer.eval_episodes=1"));
    IllegalStateException crash = assertThrows(IllegalStateException.class, () -> train(c, dir, false, 431, 100));
    assertTrue(crash.getMessage().contains("injected"));
    Path transitions = dir.resolve("transitions/trial_id=t-1");
    assertEquals(300, read(transitions).size(), "only the rows up to the checkpoint were committed");
    train(c, dir, true, -1, 100);

    List<Group> rows = read(transitions);
    assertEquals(450, rows.size());
    int greedySteps = 0;
    for (int i = 0; i < rows.size(); i++) {
      Group g = rows.get(i);
      assertEquals(i, g.getLong("step", 0), "one row per step, in order");
      int frames = g.getFieldRepetitionCount("frame");
      assertEquals(i % 100 == 0 ? 1 : 0, frames, "frame at step " + i);
      if (frames == 1) {
        assertEquals(84 * 84, g.getBinary("frame", 0).length());
      }
      greedySteps += g.getFieldRepetitionCount("q_taken");
    }
    assertTrue(greedySteps > 0 && greedySteps < rows.size(), "q_taken is null exactly for random actions, and "
        + "the run had both kinds: " + greedySteps + " greedy of " + rows.size());
    try (Stream<Path> s = Files.list(transitions)) {
      assertEquals(List.of("part-000000000000-000000000300.parquet", "part-000000000300-000000000450.parquet"),
          s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
    }
    List<Group> evals = read(dir.resolve("evals/trial_id=t-1"));
    assertEquals(1, evals.size(), "the final evaluation, once");
    assertEquals(450, evals.get(0).getLong("step", 0));
    List<Group> metrics = read(dir.resolve("train_metrics/trial_id=t-1"));
    List<Long> steps = metrics.stream().map(g -> g.getLong("step", 0)).toList();
    assertEquals(steps.stream().distinct().toList(), steps, "no duplicate train_metrics rows: " + steps);
    assertEquals(450L, steps.get(steps.size() - 1));
  }
}
