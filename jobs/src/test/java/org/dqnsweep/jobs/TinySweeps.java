package org.dqnsweep.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sweep specs small enough for tests: CartPole trials with an MLP, sized in agent steps. */
public final class TinySweeps {
  private TinySweeps() {}

  /**
   * The {@code base:} block of a CartPole trial: learning from step 200, linear epsilon 1 -> 0.05 over 400 steps,
   * progress every 100 steps, 2 evaluation games each time.
   *
   * @param steps the trial's agent steps
   * @param checkpointEvery agent steps between checkpoints (0: only at the end)
   * @param evalEvery agent steps between evaluations (0: only at the end)
   */
  public static String cartPoleBase(long steps, long checkpointEvery, long evalEvery) {
    return """
        base:
          seed: 1
          env: {game: cartpole, frame_stack: 1}
          network: {type: mlp, hidden: [32]}
          learner: {batch_size: 32, learn_start_agent_steps: 200, target_sync_every_updates: 50}
          exploration: {schedule: linear, start: 1.0, end: 0.05, decay_agent_steps: 400}
          replay: {capacity: 5000}
          trainer: {max_agent_steps: %d, eval_every_agent_steps: %d, eval_episodes: 2,
                    checkpoint_every_agent_steps: %d, progress_every_agent_steps: 100}
        """.formatted(steps, evalEvery, checkpointEvery);
  }

  /** Writes {@code dir/<name>.yaml}: the name, the base, then {@code rest} (grid, seeds, ...). */
  public static Path write(Path dir, String name, String base, String rest) throws IOException {
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, "name: " + name + "\n" + base + rest);
    return f;
  }
}
