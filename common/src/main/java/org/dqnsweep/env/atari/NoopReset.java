package org.dqnsweep.env.atari;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Step;
import org.dqnsweep.env.Wrapper;
import org.dqnsweep.util.Rng;

/**
 * baselines {@code NoopResetEnv}: after each reset, take a random number of no-op actions in {@code [1, noopMax]}
 * so that episodes start from varied states in an otherwise deterministic game.
 */
public final class NoopReset extends Wrapper {
  private static final int NOOP = 0;
  private final int noopMax;
  private final Rng rng;
  private int overrideNoops = -1;
  private int lastNoops;

  public NoopReset(Env env, int noopMax, Rng rng) {
    super(env);
    if (noopMax < 1) {
      throw new IllegalArgumentException("noopMax must be >= 1 (leave the wrapper out to disable it), got " + noopMax);
    }
    this.noopMax = noopMax;
    this.rng = rng;
  }

  @Override
  public byte[] reset() {
    env.reset();
    int noops = overrideNoops >= 0 ? overrideNoops : 1 + rng.nextInt(noopMax);
    overrideNoops = -1;
    lastNoops = noops;
    for (int i = 0; i < noops; i++) {
      if (env.step(NOOP).done()) {
        env.reset();
      }
    }
    return env.observation();
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.writeLong(rng.state());
    out.writeInt(overrideNoops);
    out.writeInt(lastNoops);
    env.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    rng.setState(in.readLong());
    overrideNoops = in.readInt();
    lastNoops = in.readInt();
    env.loadState(in);
  }

  /** Uses exactly {@code noops} no-ops on the next reset only: to replay a reference run's episode starts. */
  public void overrideNextNoops(int noops) {
    this.overrideNoops = noops;
  }

  /** How many no-ops the last reset took. */
  public int lastNoops() {
    return lastNoops;
  }
}
