package org.dqnsweep.train;

import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.util.Rng;

/**
 * Chooses actions from a learner's Q-values: epsilon-greedy when training and evaluating, greedy (argmax, first on
 * ties) everywhere. The Q-values are only computed for greedy actions.
 */
public final class Agent {
  private final DqnLearner learner;
  private final int actions;

  /** An action and, for a greedy one, its Q-value at act time (NaN for a random action: nothing was computed). */
  public record Choice(int action, double q) {}

  public Agent(DqnLearner learner, int actions) {
    this.learner = learner;
    this.actions = actions;
  }

  /** With probability {@code epsilon} a uniform random action, else the greedy one; {@code rng} decides. */
  public Choice act(byte[] observation, double epsilon, Rng rng) {
    if (rng.nextDouble() < epsilon) {
      return new Choice(rng.nextInt(actions), Double.NaN);
    }
    float[] q = learner.qValues(observation);
    int a = argMax(q);
    return new Choice(a, q[a]);
  }

  /** The index of the largest value (the first on ties): the greedy action. */
  public static int argMax(float[] q) {
    int best = 0;
    for (int a = 1; a < q.length; a++) {
      if (q[a] > q[best]) {
        best = a;
      }
    }
    return best;
  }
}
