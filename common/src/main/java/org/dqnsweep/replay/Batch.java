package org.dqnsweep.replay;

import java.nio.ByteBuffer;
import org.dqnsweep.util.Torch;

/**
 * One sampled minibatch in contiguous arrays, reused across samples so sampling allocates nothing. States are
 * {@code [size, stack, frame...]} in row-major order, oldest frame first ({@link Format#SCALED}: channels last), in
 * aligned direct buffers that the learner hands to the engine as they are: on the CPU the replay stacks frames
 * straight into tensor memory.
 */
public final class Batch {
  /** What the state buffers hold. */
  public enum Format {
    /** The stored bytes: uint8 screens, or float observations as they were stored. */
    STORED,
    /**
     * uint8 screens as float32 in [0, 1] (x / 255, four bytes a pixel) and channels last ({@code [size, frame...,
     * stack]}: each pixel's frames side by side), scaled as they are gathered: the network's first step on the CPU
     * ({@code QNetwork}), done by the replay's sample where that saves a pass over the batch.
     */
    SCALED
  }

  public final int size;
  public final int stack;
  public final int frameSize;
  public final Format format;
  public final ByteBuffer states;
  public final ByteBuffer nextStates;
  public final int[] actions;
  public final float[] rewards;
  /** 1 where the transition ended the learning episode (no bootstrap), else 0. */
  public final float[] dones;
  /** The replay slot of each frame of states, then of nextStates (the sample's stacking, by index). */
  final int[] slots;

  /** A batch of stored bytes ({@link Format#STORED}). */
  public Batch(int size, int stack, int frameSize) {
    this(size, stack, frameSize, Format.STORED);
  }

  public Batch(int size, int stack, int frameSize, Format format) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + size);
    }
    this.size = size;
    this.stack = stack;
    this.frameSize = frameSize;
    this.format = format;
    int bytes = size * stack * frameSize * (format == Format.SCALED ? Float.BYTES : 1);
    this.states = Torch.inputBuffer(bytes);
    this.nextStates = Torch.inputBuffer(bytes);
    this.actions = new int[size];
    this.rewards = new float[size];
    this.dones = new float[size];
    this.slots = new int[2 * size * stack];
  }

  /** Bytes of one stacked state as stored. */
  public int stateBytes() {
    return stack * frameSize;
  }
}
