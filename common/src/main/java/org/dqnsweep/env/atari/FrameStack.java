package org.dqnsweep.env.atari;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Step;
import org.dqnsweep.env.Wrapper;

/**
 * baselines {@code FrameStack}: the observation is the last {@code k} frames, oldest first; a reset fills all
 * {@code k} slots with the first frame. The newest frame is the last {@link #frameSize()} bytes.
 */
public final class FrameStack extends Wrapper {
  private final int k;
  private final int frameSize;
  private final int[] shape;
  private final byte[] stacked;

  public FrameStack(Env env, int k) {
    super(env);
    if (k < 1) {
      throw new IllegalArgumentException("frame stack must be >= 1, got " + k);
    }
    int[] inner = env.observationShape();
    this.k = k;
    this.frameSize = Shapes.size(inner);
    this.shape = new int[inner.length + 1];
    shape[0] = k;
    System.arraycopy(inner, 0, shape, 1, inner.length);
    this.stacked = new byte[k * frameSize];
  }

  @Override
  public int[] observationShape() {
    return shape.clone();
  }

  @Override
  public byte[] reset() {
    byte[] first = env.reset();
    for (int i = 0; i < k; i++) {
      System.arraycopy(first, 0, stacked, i * frameSize, frameSize);
    }
    return stacked;
  }

  @Override
  public Step step(int action) {
    Step step = env.step(action);
    System.arraycopy(stacked, frameSize, stacked, 0, (k - 1) * frameSize);
    System.arraycopy(env.observation(), 0, stacked, (k - 1) * frameSize, frameSize);
    return step;
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.write(stacked);
    env.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    in.readFully(stacked);
    env.loadState(in);
  }

  @Override
  public byte[] observation() {
    return stacked;
  }

  @Override
  public int stack() {
    return k;
  }

  /** The wrapped env's own frame: the last {@code frameSize} bytes of the stack, without copying them. */
  @Override
  public byte[] newestFrame() {
    return env.observation();
  }

  public int frameSize() {
    return frameSize;
  }
}
