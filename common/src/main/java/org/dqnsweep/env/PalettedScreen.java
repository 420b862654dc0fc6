package org.dqnsweep.env;

/**
 * An emulator screen read as palette indices, with the palette's grayscale values. Copying indices costs well under
 * a microsecond while ALE's own grayscale conversion costs about 20, so MaxAndSkip reads indices for the two frames
 * it pools and converts once, through a max table.
 */
public interface PalettedScreen {
  /** Copies the current screen's palette indices (row-major, {@code height*width} bytes) into {@code dst}. */
  void copyScreenIndices(byte[] dst);

  /** Grayscale value of each of the 256 palette indices. */
  byte[] grayscalePalette();

  /** Colour of each of the 256 palette indices as 0xRRGGBB (for rendering, e.g. GIFs). */
  int[] rgbPalette();

  /** Screen height and width in pixels. */
  int[] screenShape();
}
