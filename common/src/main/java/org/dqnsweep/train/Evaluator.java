package org.dqnsweep.train;

import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Envs;
import org.dqnsweep.env.Step;
import org.dqnsweep.util.Rng;

/** Plays whole games with an agent at a small epsilon, on an env of its own. */
public final class Evaluator {
  private Evaluator() {}

  /** Sees the env after each reset and each agent step of game {@code game} (0-based), e.g. to record frames. */
  public interface Watcher {
    void seen(int game, Env env);
  }

  /** Raw return of each of {@code games} games. */
  public static double[] play(Agent agent, EnvConfig envConfig, long seed, int games, double epsilon) {
    return play(agent, envConfig, seed, games, epsilon, (game, env) -> { });
  }

  public static double[] play(Agent agent, EnvConfig envConfig, long seed, int games, double epsilon,
      Watcher watcher) {
    double[] returns = new double[games];
    Rng rng = Rng.derive(seed, "eval-actions");
    try (Env env = Envs.make(envConfig, seed, false)) {
      for (int g = 0; g < games; g++) {
        byte[] obs = env.reset();
        watcher.seen(g, env);
        double total = 0;
        while (true) {
          Step s = env.step(agent.act(obs, epsilon, rng).action());
          watcher.seen(g, env);
          total += s.rawReward();
          if (s.gameDone()) {
            break;
          }
          obs = s.done() ? env.reset() : env.observation();
        }
        returns[g] = total;
      }
    }
    return returns;
  }
}
