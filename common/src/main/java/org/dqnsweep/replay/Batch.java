package org.dqnsweep.replay;

import java.nio.ByteBuffer;
import org.dqnsweep.util.Torch;

/**
 * One sampled minibatch in contiguous arrays, reused across samples so sampling allocates nothing. States are
 * {@code [size, stack, frame...]} in row-major order, oldest frame first, in aligned direct buffers that the
 * learner hands to the engine as they are: on the CPU the replay stacks frames straight into tensor memory.
 */
public final class Batch {
  public final int size;
  public final int stack;
  public final int frameSize;
  public final ByteBuffer states;
  public final ByteBuffer nextStates;
  public final int[] actions;
  public final float[] rewards;
  /** 1 where the transition ended the learning episode (no bootstrap), else 0. */
  public final float[] dones;

  public Batch(int size, int stack, int frameSize) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + size);
    }
    this.size = size;
    this.stack = stack;
    this.frameSize = frameSize;
    this.states = Torch.inputBuffer(size * stack * frameSize);
    this.nextStates = Torch.inputBuffer(size * stack * frameSize);
    this.actions = new int[size];
    this.rewards = new float[size];
    this.dones = new float[size];
  }

  /** Bytes of one stacked state. */
  public int stateBytes() {
    return stack * frameSize;
  }
}
