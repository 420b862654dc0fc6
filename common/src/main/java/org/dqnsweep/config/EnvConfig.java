package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;


/**
 * The environment and its preprocessing. Defaults reproduce the original script: gym {@code PongNoFrameskip-v4}
 * wrapped by baselines {@code make_atari} + {@code wrap_deepmind(frame_stack=False)}.
 *
 * @param game ALE game name ({@code pong}, {@code breakout}, {@code space_invaders}, ...), {@code cartpole}, or
 *     {@code moving_dot} (a synthetic check that needs frame history, see {@code env.MovingDot})
 * @param romDir folder holding {@code <game>.bin}; unset: {@code ALE_ROM_DIR}, then the project venv's ale-py
 * @param noopMax up to this many no-op agent actions after reset (0 disables NoopReset)
 * @param frameSkip emulator frames per agent step (MaxAndSkip)
 * @param maxPool pixel-wise max of the last two emulator frames of each agent step
 * @param episodicLife a lost life ends the learning episode (training only; evaluation always plays whole games)
 * @param fireReset press FIRE after reset, for games whose action 1 is FIRE
 * @param screenSize side of the square grayscale observation, in pixels
 * @param clipRewards the learner sees sign(reward); the raw score is kept for reports
 * @param frameStack frames per observation (1 = original script, 4 = Nature)
 * @param maxEpisodeFrames episode limit, in emulator frames (gym v4: 400,000)
 * @param repeatActionProbability ALE sticky actions (v4: 0; ALE 0.7's own default would be 0.25)
 */
public record EnvConfig(
    String game,
    String romDir,
    int noopMax,
    int frameSkip,
    boolean maxPool,
    boolean episodicLife,
    boolean fireReset,
    int screenSize,
    boolean clipRewards,
    int frameStack,
    long maxEpisodeFrames,
    double repeatActionProbability) {

  public static final EnvConfig ORIGINAL_SCRIPT =
      new EnvConfig("pong", null, 30, 4, true, true, true, 84, true, 1, 400_000, 0.0);

  public EnvConfig {
    require(game != null && game.matches("[A-Za-z][A-Za-z0-9_-]*"), "env.game",
        "expected an ALE game name such as pong or breakout, got '" + game + "'");
    require(noopMax >= 0 && noopMax <= 1000, "env.noop_max", "must be in [0, 1000] (0 disables no-op starts), got " + noopMax);
    require(frameSkip >= 1 && frameSkip <= 64, "env.frame_skip", "must be in [1, 64] emulator frames, got " + frameSkip);
    require(screenSize >= 8 && screenSize <= 160, "env.screen_size", "must be in [8, 160] pixels, got " + screenSize);
    require(frameStack >= 1 && frameStack <= 16, "env.frame_stack", "must be in [1, 16], got " + frameStack);
    require(maxEpisodeFrames >= 1, "env.max_episode_frames", "must be >= 1 emulator frame, got " + maxEpisodeFrames);
    require(repeatActionProbability >= 0 && repeatActionProbability < 1, "env.repeat_action_probability",
        "must be in [0, 1), got " + repeatActionProbability);
  }

  /** The game is CartPole (4 float32 numbers per observation, never stacked). */
  public boolean isCartPole() {
    return "cartpole".equalsIgnoreCase(game);
  }

  /** The game is {@code moving_dot}, the synthetic learning check that needs frame history. */
  public boolean isMovingDot() {
    return "moving_dot".equalsIgnoreCase(game);
  }

  /** An ALE game: screens through the DeepMind chain (not one of the built-in synthetic envs). */
  public boolean isAtari() {
    return !isCartPole() && !isMovingDot();
  }

  /** Emulator frames per agent step: {@code frame_skip} for ALE games, 1 for the built-in envs. */
  public int emulatorFramesPerStep() {
    return isAtari() ? frameSkip : 1;
  }

  /** The original script's preprocessing for another game and ROM folder. */
  public static EnvConfig originalScript(String game, String romDir) {
    EnvConfig d = ORIGINAL_SCRIPT;
    return new EnvConfig(game, romDir, d.noopMax, d.frameSkip, d.maxPool, d.episodicLife, d.fireReset, d.screenSize,
        d.clipRewards, d.frameStack, d.maxEpisodeFrames, d.repeatActionProbability);
  }
}
