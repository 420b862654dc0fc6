package org.dqnsweep.jobs.bench;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.env.AleEnv;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Roms;
import org.dqnsweep.env.atari.AtariEnvs;
import org.dqnsweep.util.Rng;
import org.dqnsweep.util.Venv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dqn bench env}: emulator speed alone vs the whole preprocessing chain, on one thread, and optionally the
 * Python reference (gymnasium + ale-py AtariPreprocessing) for the same number of agent steps.
 */
@Command(name = "env", mixinStandardHelpOptions = true,
    description = "Raw ALE frames/s vs agent steps/s through the DeepMind wrapper chain (one thread).")
public final class EnvBench implements Callable<Integer> {
  @Option(names = "--game", defaultValue = "pong", description = "ALE game (default: ${DEFAULT-VALUE}).")
  String game;

  @Option(names = "--rom-dir", description = "Folder with <game>.bin (default: ALE_ROM_DIR, then the venv's ale-py).")
  String romDir;

  @Option(names = "--steps", defaultValue = "10000", description = "Agent steps per timed round (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--rounds", defaultValue = "5", description = "Alternating raw/chain rounds; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--seed", defaultValue = "0", description = "Seed for the env and the random actions (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--reference", description = "Also time gymnasium + ale-py AtariPreprocessing from the project venv.")
  boolean reference;

  @Override
  public Integer call() {
    ConfigException.require(steps >= 100, "--steps", "must be at least 100, got " + steps);
    ConfigException.require(rounds >= 1, "--rounds", "must be at least 1, got " + rounds);
    EnvConfig config = EnvConfig.originalScript(game, romDir);
    Path rom = Roms.find(game, romDir);
    int frames = steps * config.frameSkip();
    double[] raw = new double[rounds];
    double[] agent = new double[rounds];
    double[] ratio = new double[rounds];
    try (Env bare = new AleEnv(rom, (int) seed, 0.0, config.maxEpisodeFrames());
        Env chain = AtariEnvs.make(config, seed, true)) {
      run(bare, frames / 10, new Rng(seed)); // warm up the JIT on both paths
      run(chain, steps / 10, new Rng(seed));
      for (int r = 0; r < rounds; r++) {
        raw[r] = frames / run(bare, frames, new Rng(seed + r));
        agent[r] = steps / run(chain, steps, new Rng(seed + r));
        ratio[r] = (1.0 / agent[r]) / (config.frameSkip() / raw[r]); // adjacent runs: machine drift cancels
      }
    }
    double rawFps = Figures.median(raw);
    double agentSps = Figures.median(agent);
    double overhead = Figures.median(ratio);
    Figures f = new Figures(System.out);
    f.print("raw_frames_per_s", rawFps);
    f.print("agent_steps_per_s", agentSps);
    f.print("wrapper_overhead", overhead);
    Double ref = null;
    if (reference) {
      String out = Venv.runScript("atari_reference.py", "bench", "--rom-game", Roms.fileName(game).replace(".bin", ""),
          "--steps", Integer.toString(steps), "--seed", Long.toString(seed));
      ref = Venv.figure(out, "reference_agent_steps_per_s");
      f.print("reference_agent_steps_per_s", ref);
      f.print("speedup", agentSps / ref);
    }
    System.out.printf("%n%s, one thread: ALE alone runs %.0f emulator frames/s; the chain (NoopReset, MaxAndSkip %d, "
            + "EpisodicLife, FireReset, WarpFrame %d, ClipReward, FrameStack %d) runs %.0f agent steps/s, "
            + "%.1f%% over the %d emulator frames each step costs. Medians of %d rounds of %d agent steps.%n",
        game, rawFps, config.frameSkip(), config.screenSize(), config.frameStack(), agentSps, (overhead - 1) * 100,
        config.frameSkip(), rounds, steps);
    if (ref != null) {
      System.out.printf("Python reference (gymnasium AtariPreprocessing, ale-py): %.0f agent steps/s; ours is %.2fx.%n",
          ref, agentSps / ref);
    }
    return 0;
  }

  /** Runs {@code n} steps with uniformly random actions, resetting on episode end; returns seconds. */
  private static double run(Env env, int n, Rng rng) {
    env.reset();
    int actions = env.actionCount();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (env.step(rng.nextInt(actions)).done()) {
        env.reset();
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
