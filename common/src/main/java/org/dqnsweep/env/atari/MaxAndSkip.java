package org.dqnsweep.env.atari;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

import org.dqnsweep.env.Env;
import org.dqnsweep.env.PalettedScreen;
import org.dqnsweep.env.Step;
import org.dqnsweep.env.Wrapper;

/**
 * baselines {@code MaxAndSkipEnv}: repeat the action for {@code skip} emulator frames, sum the rewards, and return
 * the pixel-wise max (in grayscale) of the last two frames, since Atari sprites flicker between frames. As in
 * baselines, an episode that ends early in the skip keeps the previous pair.
 *
 * <p>Only those two frames are read, as palette indices from the emulator beneath, and converted to grayscale in
 * the same pass as the max through a 64 KB table: one lookup per pixel instead of two conversions and a max.
 * Rows where neither frame changed since the last step keep their pooled values (vectorized row compares find
 * them), which skips most of the screen in games with a static background.
 */
public final class MaxAndSkip extends Wrapper {
  private final int skip;
  private final boolean maxPool;
  private final PalettedScreen screen;
  private final byte[] gray;
  private final byte[] maxGray = new byte[256 * 256];
  private final byte[] secondLast;
  private final byte[] last;
  private final byte[] pooled;
  private final byte[] pooledFrom; // the index pair each pooled row was computed from, per row
  private final int width;
  private byte[] current;

  public MaxAndSkip(Env env, int skip, boolean maxPool) {
    super(env);
    if (skip < 1) {
      throw new IllegalArgumentException("skip must be >= 1, got " + skip);
    }
    this.screen = env.unwrap(PalettedScreen.class);
    if (screen == null) {
      throw new IllegalArgumentException("MaxAndSkip needs an emulator screen (PalettedScreen) beneath it");
    }
    this.skip = skip;
    this.maxPool = maxPool && skip > 1;
    this.gray = screen.grayscalePalette();
    for (int a = 0; a < 256; a++) {
      for (int b = 0; b < 256; b++) {
        maxGray[a << 8 | b] = (byte) Math.max(gray[a] & 0xFF, gray[b] & 0xFF);
      }
    }
    int size = Shapes.size(env.observationShape());
    this.width = env.observationShape()[env.observationShape().length - 1];
    this.secondLast = new byte[size];
    this.last = new byte[size];
    this.pooled = new byte[size];
    this.pooledFrom = new byte[2 * size];
    pool(0, size); // pooledFrom (all index 0) and pooled now agree
  }

  @Override
  public byte[] reset() {
    current = env.reset();
    return current;
  }

  @Override
  public Step step(int action) {
    double reward = 0;
    double raw = 0;
    Step step = null;
    for (int i = 0; i < skip; i++) {
      step = env.step(action);
      reward += step.reward();
      raw += step.rawReward();
      if (i == skip - 2) {
        screen.copyScreenIndices(secondLast);
      } else if (i == skip - 1) {
        screen.copyScreenIndices(last);
      }
      if (step.done()) {
        break;
      }
    }
    int size = pooled.length;
    for (int from = 0; from < size; from += width) {
      int to = from + width;
      if (!Arrays.equals(last, from, to, pooledFrom, size + from, size + to)
          || maxPool && !Arrays.equals(secondLast, from, to, pooledFrom, from, to)) {
        pool(from, to);
      }
    }
    current = pooled;
    return new Step(reward, raw, step.terminated(), step.truncated(), step.gameOver());
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.write(secondLast);
    out.write(last);
    out.write(pooled);
    out.write(pooledFrom);
    out.writeBoolean(current == pooled);
    env.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    in.readFully(secondLast);
    in.readFully(last);
    in.readFully(pooled);
    in.readFully(pooledFrom);
    boolean wasPooled = in.readBoolean();
    env.loadState(in);
    current = wasPooled ? pooled : env.observation();
  }

  /** Pools pixels {@code [from, to)} of the current pair and remembers the pair they came from. */
  private void pool(int from, int to) {
    if (maxPool) {
      for (int p = from; p < to; p++) {
        pooled[p] = maxGray[(secondLast[p] & 0xFF) << 8 | (last[p] & 0xFF)];
      }
    } else {
      for (int p = from; p < to; p++) {
        pooled[p] = gray[last[p] & 0xFF];
      }
    }
    System.arraycopy(secondLast, from, pooledFrom, from, to - from);
    System.arraycopy(last, from, pooledFrom, pooled.length + from, to - from);
  }

  @Override
  public byte[] observation() {
    return current;
  }
}
