package org.dqnsweep.jobs.sweep;

/** Which transitions rows carry the newest 84x84 frame: none, all, or every n-th agent step. */
public enum TransitionFrames {
  NONE, ALL, EVERY_N
}
