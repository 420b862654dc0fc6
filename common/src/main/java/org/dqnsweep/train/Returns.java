package org.dqnsweep.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** The raw returns of the last 10 games, for the original script's stop rule and progress lines. */
final class Returns {
  private final double[] last = new double[10];
  private long count;

  void add(double r) {
    last[(int) (count++ % last.length)] = r;
  }

  /** Mean of the last (up to) 10 returns; NaN before any game ended. */
  double mean10() {
    int n = (int) Math.min(count, last.length);
    if (n == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += last[i];
    }
    return sum / n;
  }

  boolean full() {
    return count >= last.length;
  }

  void save(DataOutputStream out) throws IOException {
    out.writeLong(count);
    for (double r : last) {
      out.writeDouble(r);
    }
  }

  void load(DataInputStream in) throws IOException {
    count = in.readLong();
    for (int i = 0; i < last.length; i++) {
      last[i] = in.readDouble();
    }
  }
}
