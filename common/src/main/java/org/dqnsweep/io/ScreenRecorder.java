package org.dqnsweep.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.PalettedScreen;
import org.dqnsweep.train.Evaluator;

/** Records one game's screens, one frame per agent step, as an animated GIF (an {@link Evaluator.Watcher}). */
public final class ScreenRecorder implements Evaluator.Watcher, AutoCloseable {
  private final OutputStream out;
  private final int game;
  private GifWriter writer;
  private byte[] indices;
  private int frames;

  /** @param game which game of an evaluation to record (0-based) */
  public ScreenRecorder(OutputStream out, int game) {
    this.out = out;
    this.game = game;
  }

  @Override
  public void seen(int g, Env env) {
    if (g != game) {
      return;
    }
    PalettedScreen screen = env.unwrap(PalettedScreen.class);
    if (screen == null) {
      throw new IllegalArgumentException("only Atari games have screens to record");
    }
    try {
      if (writer == null) {
        int[] shape = screen.screenShape();
        indices = new byte[shape[0] * shape[1]];
        writer = new GifWriter(out, screen.rgbPalette(), shape[0], shape[1], 15);
      }
      screen.copyScreenIndices(indices);
      writer.add(indices);
      frames++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Frames recorded so far. */
  public int frames() {
    return frames;
  }

  /** Finishes the GIF (the stream stays open). */
  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.close();
    }
  }
}
