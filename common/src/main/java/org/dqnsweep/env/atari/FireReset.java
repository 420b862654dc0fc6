package org.dqnsweep.env.atari;

import org.dqnsweep.env.Env;
import org.dqnsweep.env.Wrapper;

/**
 * baselines {@code FireResetEnv}: games that wait for FIRE to start (Pong serves, Breakout launches the ball) get
 * FIRE then action 2 after each reset, so the agent never learns to idle at the start screen.
 */
public final class FireReset extends Wrapper {
  public FireReset(Env env) {
    super(env);
    if (env.actionCount() < 3 || !"FIRE".equals(env.actionMeanings().get(1))) {
      throw new IllegalArgumentException("FireReset needs FIRE as action 1 and at least 3 actions, got "
          + env.actionMeanings());
    }
  }

  /** Whether the game's action set has FIRE where this wrapper needs it (baselines' condition). */
  public static boolean applies(Env env) {
    return env.actionCount() >= 3 && "FIRE".equals(env.actionMeanings().get(1));
  }

  @Override
  public byte[] reset() {
    env.reset();
    if (env.step(1).done()) {
      env.reset();
    }
    if (env.step(2).done()) {
      env.reset();
    }
    return env.observation();
  }
}
