package org.dqnsweep.env.atari;

import java.util.ArrayList;
import java.util.List;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.PalettedScreen;
import org.dqnsweep.env.Step;

/**
 * A scripted emulator for wrapper tests: each frame's pixels all equal the frame number (mod 256), the palette is
 * the identity, rewards and lives follow scripts, and every call is recorded.
 */
class FakeScreen implements Env, PalettedScreen {
  final int height;
  final int width;
  final List<Integer> actions = new ArrayList<>();
  int resets;
  int frame; // frames since the last reset
  long total;
  /** reward of the frame with this number since reset (1-based), default 0 */
  double[] rewards = new double[0];
  /** game over when the frame number since reset reaches this (0 = never) */
  int gameOverAt;
  /** lives after frame n since reset: lives[n], default lives[0] or 0 */
  int[] lives = {0};
  List<String> meanings = List.of("NOOP", "FIRE", "UP", "DOWN");
  private final byte[] screen;

  FakeScreen(int height, int width) {
    this.height = height;
    this.width = width;
    this.screen = new byte[height * width];
  }

  @Override
  public int[] observationShape() {
    return new int[] {height, width};
  }

  @Override
  public int actionCount() {
    return meanings.size();
  }

  @Override
  public List<String> actionMeanings() {
    return meanings;
  }

  @Override
  public byte[] reset() {
    resets++;
    frame = 0;
    return observation();
  }

  @Override
  public Step step(int action) {
    actions.add(action);
    frame++;
    total++;
    double r = frame < rewards.length ? rewards[frame] : 0;
    boolean over = gameOverAt > 0 && frame >= gameOverAt;
    return new Step(r, r, over, false, over);
  }

  @Override
  public byte[] observation() {
    java.util.Arrays.fill(screen, (byte) frame);
    return screen;
  }

  @Override
  public void copyScreenIndices(byte[] dst) {
    java.util.Arrays.fill(dst, 0, height * width, (byte) frame);
  }

  @Override
  public byte[] grayscalePalette() {
    byte[] identity = new byte[256];
    for (int i = 0; i < 256; i++) {
      identity[i] = (byte) i;
    }
    return identity;
  }

  @Override
  public int[] rgbPalette() {
    int[] gray = new int[256];
    for (int i = 0; i < 256; i++) {
      gray[i] = i << 16 | i << 8 | i;
    }
    return gray;
  }

  @Override
  public int[] screenShape() {
    return new int[] {height, width};
  }

  @Override
  public int lives() {
    return frame < lives.length ? lives[frame] : lives[lives.length - 1];
  }

  @Override
  public long emulatorFrames() {
    return total;
  }

  @Override
  public void saveState(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeInt(frame);
    out.writeLong(total);
  }

  @Override
  public void loadState(java.io.DataInputStream in) throws java.io.IOException {
    frame = in.readInt();
    total = in.readLong();
  }

  @Override
  public void close() {}
}
