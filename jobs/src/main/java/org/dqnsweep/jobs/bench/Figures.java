package org.dqnsweep.jobs.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/** Prints benchmark figures as {@code name=value} lines, and the small statistics they need. */
final class Figures {
  private final PrintStream out;

  Figures(PrintStream out) {
    this.out = out;
  }

  void print(String name, double value) {
    out.println(name + "=" + format(value));
  }

  void print(String name, long value) {
    out.println(name + "=" + value);
  }

  static String format(double v) {
    double a = Math.abs(v);
    return a >= 100 ? String.format(Locale.ROOT, "%.1f", v)
        : a >= 1 ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
