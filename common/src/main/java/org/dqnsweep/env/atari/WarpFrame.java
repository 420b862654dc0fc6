package org.dqnsweep.env.atari;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Step;
import org.dqnsweep.env.Wrapper;

/**
 * baselines {@code WarpFrame}: shrink the grayscale screen to {@code size x size} with area interpolation
 * ({@link AreaResize}, OpenCV {@code INTER_AREA} semantics). The grayscale itself comes from ALE's palette, as in
 * gymnasium's {@code AtariPreprocessing}.
 */
public final class WarpFrame extends Wrapper {
  private final AreaResize resize;
  private final int size;
  private final byte[] frame;

  public WarpFrame(Env env, int size) {
    super(env);
    int[] in = env.observationShape();
    if (in.length != 2) {
      throw new IllegalArgumentException("WarpFrame needs a 2-D grayscale screen, got shape of rank " + in.length);
    }
    this.size = size;
    this.resize = new AreaResize(in[0], in[1], size, size);
    this.frame = new byte[size * size];
  }

  @Override
  public int[] observationShape() {
    return new int[] {size, size};
  }

  @Override
  public byte[] reset() {
    resize.resize(env.reset(), frame);
    return frame;
  }

  @Override
  public Step step(int action) {
    Step step = env.step(action);
    resize.resize(env.observation(), frame);
    return step;
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.write(frame);
    env.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    in.readFully(frame);
    resize.invalidate();
    env.loadState(in);
  }

  @Override
  public byte[] observation() {
    return frame;
  }
}
