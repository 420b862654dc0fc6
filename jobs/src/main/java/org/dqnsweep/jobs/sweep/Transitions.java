package org.dqnsweep.jobs.sweep;

/**
 * What the transitions table records per agent step.
 *
 * @param frames which rows carry the newest frame
 * @param everyN with {@link TransitionFrames#EVERY_N}: every this many agent steps; otherwise 0
 */
public record Transitions(TransitionFrames frames, long everyN) {
  public static final Transitions NO_FRAMES = new Transitions(TransitionFrames.NONE, 0);
}
