package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;

/**
 * The training run around the learner. Defaults are the original script's budget and stop rule (1,000,000 agent
 * steps; stop when the mean raw return of the last 10 games exceeds 19) plus what it lacked: evaluation,
 * checkpoints and progress.
 *
 * @param maxAgentSteps stop after this many agent steps
 * @param stopMean10Above stop once the mean raw return of the last 10 games is above this ({@code .inf}: never)
 * @param evalEveryAgentSteps evaluate every this many agent steps (0: only at the end)
 * @param evalEpisodes games per evaluation, on a separate env instance at the evaluation epsilon
 * @param checkpointEveryAgentSteps checkpoint every this many agent steps (0: only at the end)
 * @param progressEveryAgentSteps print a progress line every this many agent steps
 * @param threads PyTorch intra-op threads (0: all cores; several trials in one JVM: 1 each)
 * @param device {@code auto} (the GPU a Spark task was given, else CPU), {@code cpu}, or {@code gpu:N}
 *     ({@code gpu} alone: {@code gpu:0})
 */
public record TrainerConfig(
    long maxAgentSteps,
    double stopMean10Above,
    long evalEveryAgentSteps,
    int evalEpisodes,
    long checkpointEveryAgentSteps,
    long progressEveryAgentSteps,
    int threads,
    DeviceSetting device) {

  public static final TrainerConfig ORIGINAL_SCRIPT =
      new TrainerConfig(1_000_000, 19.0, 100_000, 5, 100_000, 10_000, 0, DeviceSetting.AUTO);

  public TrainerConfig {
    require(maxAgentSteps >= 1, "trainer.max_agent_steps", "must be >= 1, got " + maxAgentSteps);
    require(!Double.isNaN(stopMean10Above), "trainer.stop_mean10_above", "must be a number or .inf");
    require(evalEveryAgentSteps >= 0, "trainer.eval_every_agent_steps", "must be >= 0 (0: only at the end)");
    require(evalEpisodes >= 0 && evalEpisodes <= 10_000, "trainer.eval_episodes", "must be in [0, 10000], got "
        + evalEpisodes);
    require(checkpointEveryAgentSteps >= 0, "trainer.checkpoint_every_agent_steps", "must be >= 0 (0: only at the end)");
    require(progressEveryAgentSteps >= 1, "trainer.progress_every_agent_steps", "must be >= 1, got "
        + progressEveryAgentSteps);
    require(threads >= 0 && threads <= 1024, "trainer.threads", "must be in [0, 1024] (0: all cores), got " + threads);
    require(device != null, "trainer.device", "expected auto, cpu, gpu or gpu:N");
  }
}
