package org.dqnsweep.explore;

import org.dqnsweep.config.ExplorationConfig;

/**
 * Epsilon as a pure function of the agent step, so a resumed run only needs its step counter to be at the same
 * point of the schedule.
 */
public final class EpsilonSchedule {
  private final boolean exponential;
  private final double start;
  private final double end;
  private final double decay;

  public EpsilonSchedule(ExplorationConfig c) {
    this.exponential = c.schedule() == ExplorationConfig.Schedule.EXPONENTIAL;
    this.start = c.start();
    this.end = c.end();
    this.decay = c.decayAgentSteps();
  }

  /** Epsilon at agent step {@code t} (0-based). */
  public double at(long t) {
    if (exponential) {
      return end + (start - end) * Math.exp(-t / decay); // the original script
    }
    return start + (end - start) * Math.min(1.0, t / decay); // Nature: linear, then flat
  }
}
