package org.dqnsweep.env.atari;

/** Shape arithmetic for observation arrays. */
final class Shapes {
  private Shapes() {}

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
