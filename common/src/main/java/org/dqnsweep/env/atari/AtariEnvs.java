package org.dqnsweep.env.atari;

import java.nio.file.Path;
import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.env.AleEnv;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Roms;
import org.dqnsweep.util.Rng;

/**
 * Builds the DeepMind preprocessing chain, in baselines' order: {@code make_atari} (NoopReset, MaxAndSkip) then
 * {@code wrap_deepmind} (EpisodicLife, FireReset, WarpFrame, ClipReward, FrameStack).
 */
public final class AtariEnvs {
  private AtariEnvs() {}

  /**
   * @param config the validated env config
   * @param seed the trial's env seed: seeds ALE and the no-op generator
   * @param training episodic life applies in training only; evaluation plays whole games
   */
  public static Env make(EnvConfig config, long seed, boolean training) {
    Path rom = Roms.find(config.game(), config.romDir());
    Env env = new AleEnv(rom, (int) seed, config.repeatActionProbability(), config.maxEpisodeFrames());
    if (config.noopMax() > 0) {
      env = new NoopReset(env, config.noopMax(), Rng.derive(seed, "noop-reset"));
    }
    env = new MaxAndSkip(env, config.frameSkip(), config.maxPool());
    if (config.episodicLife() && training) {
      env = new EpisodicLife(env);
    }
    if (config.fireReset() && FireReset.applies(env)) {
      env = new FireReset(env);
    }
    env = new WarpFrame(env, config.screenSize());
    if (config.clipRewards()) {
      env = new ClipReward(env);
    }
    return new FrameStack(env, config.frameStack()); // k=1 too: observations are always [k, size, size]
  }
}
