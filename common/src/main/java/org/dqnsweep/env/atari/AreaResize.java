package org.dqnsweep.env.atari;

import java.util.Arrays;

/**
 * Downscales a uint8 grayscale image with OpenCV's {@code INTER_AREA} weights: each output pixel is the mean of the
 * source area it covers, partial pixels weighted by their covered fraction, rounded half to even as
 * {@code saturate_cast<uchar>} does. The weights are OpenCV's {@code computeResizeAreaTab}; the two passes run
 * vertical first, so float rounding may differ from OpenCV's order by a hair, which could move a pixel by one
 * gray level on an exact .5 tie (against gymnasium over the parity run: no pixel differs).
 *
 * <p>Consecutive Atari frames differ in few rows, so the resize is incremental: it keeps the last source and
 * recomputes only the output rows whose source rows changed (found with vectorized row compares). The result is
 * that of a full resize as long as {@code dst} still holds this instance's previous output; a different
 * {@code dst} array gets a full resize.
 */
public final class AreaResize {
  private static final int TAPS = 4;
  private final int srcH;
  private final int srcW;
  private final int dstH;
  private final int dstW;
  // per output row: first source row and up to TAPS weights (zero-padded)
  private final int[] rowStart;
  private final float[] rowWeights;
  // per output column: first source column and up to TAPS weights (zero-padded)
  private final int[] colStart;
  private final float[] colWeights;
  private final float[] row; // srcW + TAPS: zero-weight taps past the edge read padding
  private final byte[] lastSrc;
  private final boolean[] changed;
  private byte[] lastDst;

  public AreaResize(int srcH, int srcW, int dstH, int dstW) {
    if (dstH > srcH || dstW > srcW || dstH < 1 || dstW < 1) {
      throw new IllegalArgumentException("area resize only shrinks: " + srcH + "x" + srcW + " -> " + dstH + "x" + dstW);
    }
    this.srcH = srcH;
    this.srcW = srcW;
    this.dstH = dstH;
    this.dstW = dstW;
    this.rowStart = new int[dstH];
    this.rowWeights = new float[dstH * TAPS];
    this.colStart = new int[dstW];
    this.colWeights = new float[dstW * TAPS];
    table(srcH, dstH, rowStart, rowWeights);
    table(srcW, dstW, colStart, colWeights);
    this.row = new float[srcW + TAPS];
    this.lastSrc = new byte[srcH * srcW];
    this.changed = new boolean[srcH];
  }

  /** Resizes {@code src} (srcH x srcW, row-major) into {@code dst} (dstH x dstW). */
  public void resize(byte[] src, byte[] dst) {
    boolean all = dst != lastDst;
    lastDst = dst;
    for (int y = 0; y < srcH; y++) {
      int from = y * srcW;
      int to = from + srcW;
      changed[y] = all || !Arrays.equals(src, from, to, lastSrc, from, to);
      if (changed[y]) {
        System.arraycopy(src, from, lastSrc, from, srcW);
      }
    }
    for (int dy = 0; dy < dstH; dy++) {
      boolean dirty = false;
      for (int t = 0; t < TAPS && !dirty; t++) {
        dirty = rowWeights[dy * TAPS + t] != 0 && changed[Math.min(rowStart[dy] + t, srcH - 1)];
      }
      if (dirty) {
        resizeRow(src, dst, dy);
      }
    }
  }

  /** Makes the next {@link #resize} recompute every row (its previous output may have been replaced). */
  public void invalidate() {
    lastDst = null;
  }

  /** Recomputes output row {@code dy}: vertical taps into one float row, then horizontal taps. */
  private void resizeRow(byte[] src, byte[] dst, int dy) {
    int last = (srcH - 1) * srcW;
    int s0 = rowStart[dy] * srcW;
    int s1 = Math.min(s0 + srcW, last);
    int s2 = Math.min(s0 + 2 * srcW, last);
    int s3 = Math.min(s0 + 3 * srcW, last);
    float w0 = rowWeights[dy * TAPS];
    float w1 = rowWeights[dy * TAPS + 1];
    float w2 = rowWeights[dy * TAPS + 2];
    float w3 = rowWeights[dy * TAPS + 3];
    for (int x = 0; x < srcW; x++) {
      row[x] = w0 * (src[s0 + x] & 0xFF) + w1 * (src[s1 + x] & 0xFF) + w2 * (src[s2 + x] & 0xFF)
          + w3 * (src[s3 + x] & 0xFF);
    }
    int out = dy * dstW;
    for (int dx = 0; dx < dstW; dx++) {
      int c = colStart[dx];
      int w = dx * TAPS;
      float v = colWeights[w] * row[c] + colWeights[w + 1] * row[c + 1] + colWeights[w + 2] * row[c + 2]
          + colWeights[w + 3] * row[c + 3];
      int r = (int) Math.rint(v);
      dst[out + dx] = (byte) (r > 255 ? 255 : Math.max(r, 0));
    }
  }

  /** OpenCV computeResizeAreaTab for one axis, packed as (first source index, TAPS consecutive weights). */
  private static void table(int ssize, int dsize, int[] start, float[] weights) {
    double scale = (double) ssize / dsize;
    for (int d = 0; d < dsize; d++) {
      double f1 = d * scale;
      double f2 = f1 + scale;
      double cell = Math.min(scale, ssize - f1);
      int s2 = Math.min((int) Math.floor(f2), ssize - 1);
      int s1 = Math.min((int) Math.ceil(f1), s2);
      int first = s1 - f1 > 1e-3 ? s1 - 1 : s1;
      start[d] = first;
      int tap = 0;
      if (s1 - f1 > 1e-3) {
        weights[d * TAPS + tap++] = (float) ((s1 - f1) / cell);
      }
      for (int s = s1; s < s2; s++) {
        weights[d * TAPS + tap++] = (float) (1.0 / cell);
      }
      if (f2 - s2 > 1e-3) {
        weights[d * TAPS + tap++] = (float) (Math.min(Math.min(f2 - s2, 1.0), cell) / cell);
      }
      if (tap > TAPS) {
        throw new IllegalArgumentException("scale " + scale + " needs more than " + TAPS + " taps per pixel");
      }
    }
  }
}
