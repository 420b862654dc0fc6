package org.dqnsweep.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AreaResizeTest {

  @Test
  void integerFactorIsTheBlockMean() {
    byte[] src = {
      0, 2, 10, 20,
      4, 6, 30, 40,
      (byte) 200, (byte) 200, 1, 1,
      (byte) 200, (byte) 204, 1, 2
    };
    byte[] dst = new byte[4];
    new AreaResize(4, 4, 2, 2).resize(src, dst);
    // means 3, 25, 201, 1.25 -> rounded half to even: 3, 25, 201, 1
    assertArrayEquals(new byte[] {3, 25, (byte) 201, 1}, dst);
  }

  @Test
  void atariShrinkMatchesExactAreaAveragesWithinOneLevel() {
    Random random = new Random(7);
    byte[] src = new byte[210 * 160];
    random.nextBytes(src);
    byte[] dst = new byte[84 * 84];
    new AreaResize(210, 160, 84, 84).resize(src, dst);
    double[] exact = exactAreaMean(src, 210, 160, 84, 84);
    int worst = 0;
    for (int i = 0; i < dst.length; i++) {
      worst = Math.max(worst, (int) Math.abs((dst[i] & 0xFF) - Math.rint(exact[i])));
      assertTrue(Math.abs((dst[i] & 0xFF) - exact[i]) <= 0.5 + 1e-3, "pixel " + i + ": " + (dst[i] & 0xFF) + " vs " + exact[i]);
    }
    assertTrue(worst <= 1);
  }

  @Test
  void incrementalResizeEqualsAFullResizeAfterPartialChanges() {
    Random random = new Random(9);
    byte[] src = new byte[210 * 160];
    random.nextBytes(src);
    AreaResize incremental = new AreaResize(210, 160, 84, 84);
    byte[] dst = new byte[84 * 84];
    incremental.resize(src, dst);
    for (int round = 0; round < 50; round++) {
      // change a few random rows (or nothing), as consecutive game frames do
      int rows = random.nextInt(4);
      for (int i = 0; i < rows; i++) {
        int y = random.nextInt(210);
        src[y * 160 + random.nextInt(160)] = (byte) random.nextInt(256);
      }
      incremental.resize(src, dst);
      byte[] full = new byte[84 * 84];
      new AreaResize(210, 160, 84, 84).resize(src, full);
      assertArrayEquals(full, dst, "round " + round);
    }
  }

  @Test
  void refusesToEnlarge() {
    assertThrows(IllegalArgumentException.class, () -> new AreaResize(10, 10, 20, 20));
  }

  /** Brute-force oracle: the mean of the source over each output cell's exact rectangle. */
  private static double[] exactAreaMean(byte[] src, int sh, int sw, int dh, int dw) {
    double[] out = new double[dh * dw];
    double sy = (double) sh / dh;
    double sx = (double) sw / dw;
    for (int y = 0; y < dh; y++) {
      for (int x = 0; x < dw; x++) {
        double sum = 0;
        for (int r = 0; r < sh; r++) {
          double oy = Math.max(0, Math.min(r + 1, (y + 1) * sy) - Math.max(r, y * sy));
          if (oy == 0) {
            continue;
          }
          for (int c = 0; c < sw; c++) {
            double ox = Math.max(0, Math.min(c + 1, (x + 1) * sx) - Math.max(c, x * sx));
            sum += oy * ox * (src[r * sw + c] & 0xFF);
          }
        }
        out[y * dw + x] = sum / (sy * sx);
      }
    }
    assertEquals(dh * dw, out.length);
    return out;
  }
}
