package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;

/**
 * Epsilon-greedy exploration over agent steps. Default: the original script's exponential schedule,
 * eps(t) = end + (start - end) * exp(-t / decay_agent_steps), 1.0 -> 0.01 with decay 30,000.
 *
 * @param schedule {@code exponential} (decay is a time constant) or {@code linear} (decay is the duration,
 *     Nature: 1.0 -> 0.1 over 1,000,000)
 * @param start epsilon at agent step 0
 * @param end epsilon approached (exponential) or reached (linear)
 * @param decayAgentSteps the time constant or duration, in agent steps
 * @param evalEpsilon epsilon of evaluation episodes (Nature: 0.05)
 */
public record ExplorationConfig(Schedule schedule, double start, double end, long decayAgentSteps, double evalEpsilon) {
  public static final ExplorationConfig ORIGINAL_SCRIPT = new ExplorationConfig(Schedule.EXPONENTIAL, 1.0, 0.01, 30_000,
      0.05);

  /** The shape of epsilon's decay. */
  public enum Schedule { EXPONENTIAL, LINEAR }

  public ExplorationConfig {
    require(schedule != null, "exploration.schedule", "expected exponential or linear");
    require(start >= 0 && start <= 1, "exploration.start", "must be in [0, 1], got " + start);
    require(end >= 0 && end <= 1, "exploration.end", "must be in [0, 1], got " + end);
    require(decayAgentSteps >= 1, "exploration.decay_agent_steps", "must be >= 1 agent step, got " + decayAgentSteps);
    require(evalEpsilon >= 0 && evalEpsilon <= 1, "exploration.eval_epsilon", "must be in [0, 1], got " + evalEpsilon);
  }
}
