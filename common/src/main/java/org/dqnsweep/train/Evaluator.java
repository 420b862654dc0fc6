package org.dqnsweep.train;

import java.util.function.Consumer;
import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Envs;
import org.dqnsweep.env.Step;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.util.Rng;

/** Plays whole games with a learner's greedy policy at a small epsilon, on an env of its own. */
public final class Evaluator {
  private Evaluator() {}

  /** Raw return of each of {@code games} games. */
  public static double[] play(DqnLearner learner, EnvConfig envConfig, long seed, int games, double epsilon) {
    return play(learner, envConfig, seed, games, epsilon, env -> { });
  }

  /**
   * @param afterStep called after each reset and each agent step (to record frames for a GIF)
   */
  public static double[] play(DqnLearner learner, EnvConfig envConfig, long seed, int games, double epsilon,
      Consumer<Env> afterStep) {
    double[] returns = new double[games];
    Rng rng = Rng.derive(seed, "eval-actions");
    try (Env env = Envs.make(envConfig, seed, false)) {
      for (int g = 0; g < games; g++) {
        byte[] obs = env.reset();
        afterStep.accept(env);
        double total = 0;
        while (true) {
          int action = rng.nextDouble() < epsilon ? rng.nextInt(env.actionCount())
              : Trainer.argMax(learner.qValues(obs));
          Step s = env.step(action);
          afterStep.accept(env);
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
