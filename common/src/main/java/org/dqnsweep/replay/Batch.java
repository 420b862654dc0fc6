package org.dqnsweep.replay;

/**
 * One sampled minibatch in contiguous arrays, reused across samples so sampling allocates nothing. States are
 * {@code [size, stack, frame...]} uint8 in row-major order, oldest frame first, ready to become one tensor.
 */
public final class Batch {
  public final int size;
  public final int stack;
  public final int frameSize;
  public final byte[] states;
  public final byte[] nextStates;
  public final int[] actions;
  public final float[] rewards;
  /** 1 where the transition ended the learning episode (no bootstrap), else 0: multiplies the target directly. */
  public final float[] dones;

  public Batch(int size, int stack, int frameSize) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + size);
    }
    this.size = size;
    this.stack = stack;
    this.frameSize = frameSize;
    this.states = new byte[size * stack * frameSize];
    this.nextStates = new byte[size * stack * frameSize];
    this.actions = new int[size];
    this.rewards = new float[size];
    this.dones = new float[size];
  }

  /** Bytes of one stacked state. */
  public int stateBytes() {
    return stack * frameSize;
  }
}
