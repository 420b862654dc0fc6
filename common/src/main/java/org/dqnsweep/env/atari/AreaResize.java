package org.dqnsweep.env.atari;

/**
 * Downscales a uint8 grayscale image with OpenCV's {@code INTER_AREA} weights: each output pixel is the mean of the
 * source area it covers, partial pixels weighted by their covered fraction, rounded half to even as
 * {@code saturate_cast<uchar>} does. The weights are OpenCV's {@code computeResizeAreaTab}; the two passes run
 * vertical first (contiguous, vectorizable rows), so float rounding may differ from OpenCV's order by a hair,
 * which moves a pixel by at most one gray level and only on exact .5 ties.
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
  private final float[] rows;

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
    this.rows = new float[dstH * srcW];
  }

  /** Resizes {@code src} (srcH x srcW, row-major) into {@code dst} (dstH x dstW). */
  public void resize(byte[] src, byte[] dst) {
    // Vertical pass: each output row is a weighted sum of up to TAPS whole source rows.
    for (int dy = 0; dy < dstH; dy++) {
      int out = dy * srcW;
      int s0 = rowStart[dy] * srcW;
      float w0 = rowWeights[dy * TAPS];
      float w1 = rowWeights[dy * TAPS + 1];
      float w2 = rowWeights[dy * TAPS + 2];
      float w3 = rowWeights[dy * TAPS + 3];
      int s1 = Math.min(s0 + srcW, (srcH - 1) * srcW);
      int s2 = Math.min(s0 + 2 * srcW, (srcH - 1) * srcW);
      int s3 = Math.min(s0 + 3 * srcW, (srcH - 1) * srcW);
      for (int x = 0; x < srcW; x++) {
        rows[out + x] = w0 * (src[s0 + x] & 0xFF) + w1 * (src[s1 + x] & 0xFF)
            + w2 * (src[s2 + x] & 0xFF) + w3 * (src[s3 + x] & 0xFF);
      }
    }
    // Horizontal pass over the already-shrunk rows.
    for (int dy = 0; dy < dstH; dy++) {
      int in = dy * srcW;
      int out = dy * dstW;
      for (int dx = 0; dx < dstW; dx++) {
        int c = in + colStart[dx];
        int w = dx * TAPS;
        int last = in + srcW - 1;
        float v = colWeights[w] * rows[c] + colWeights[w + 1] * rows[Math.min(c + 1, last)]
            + colWeights[w + 2] * rows[Math.min(c + 2, last)] + colWeights[w + 3] * rows[Math.min(c + 3, last)];
        int r = (int) Math.rint(v);
        dst[out + dx] = (byte) (r > 255 ? 255 : Math.max(r, 0));
      }
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
