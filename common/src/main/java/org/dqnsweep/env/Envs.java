package org.dqnsweep.env;

import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.env.atari.AtariEnvs;
import org.dqnsweep.env.atari.FrameStack;
import org.dqnsweep.util.Rng;

/**
 * Builds the environment a config names: {@code cartpole}, {@code moving_dot} (stacked), or any ALE game through the
 * DeepMind chain.
 */
public final class Envs {
  private Envs() {}

  /**
   * @param seed the env's seed (derived from the trial seed by the caller)
   * @param training training envs lose episodes on lost lives (episodic life); evaluation envs play whole games
   */
  public static Env make(EnvConfig config, long seed, boolean training) {
    if (config.isCartPole()) {
      return new CartPole(Rng.derive(seed, "cartpole"));
    }
    if (config.isMovingDot()) {
      return new FrameStack(new MovingDot(Rng.derive(seed, "moving_dot")), config.frameStack());
    }
    return AtariEnvs.make(config, seed, training);
  }
}
