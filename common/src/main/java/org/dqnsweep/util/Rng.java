package org.dqnsweep.util;

/**
 * A small seeded random generator (SplitMix64) whose whole state is one long, so checkpoints can save and
 * restore it exactly. Each consumer (env no-ops, replay sampling, exploration) owns its own instance derived
 * from the trial seed: Spark tasks sharing a JVM never share a generator.
 */
public final class Rng {
  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  /** A child generator for one named purpose, independent of this one's future draws. */
  public static Rng derive(long seed, String purpose) {
    return new Rng(mix(seed ^ mix(purpose.hashCode() * 0x9E3779B97F4A7C15L)));
  }

  public long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform integer in [0, bound), bias-free (Lemire's method with rejection). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    long m = (nextLong() >>> 32) * bound;
    long low = m & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        m = (nextLong() >>> 32) * bound;
        low = m & 0xFFFFFFFFL;
      }
    }
    return (int) (m >>> 32);
  }

  /** Uniform double in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  public long state() {
    return state;
  }

  public void setState(long state) {
    this.state = state;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
