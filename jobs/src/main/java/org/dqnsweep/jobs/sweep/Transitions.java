package org.dqnsweep.jobs.sweep;

/**
 * What the transitions table records per agent step.
 *
 * @param frames which rows carry the newest frame
 * @param everyN with {@link TransitionFrames#EVERY_N}: every this many agent steps; otherwise 0
 */
public record Transitions(TransitionFrames frames, long everyN) {
  public static final Transitions NO_FRAMES = new Transitions(TransitionFrames.NONE, 0);

  /** Which agent steps get a frame, as the Parquet sink takes it: 0 none, 1 all, n every n-th. */
  public long framesEvery() {
    return switch (frames) {
      case NONE -> 0;
      case ALL -> 1;
      case EVERY_N -> everyN;
    };
  }
}
