package org.dqnsweep.env.atari;

import org.dqnsweep.env.Env;
import org.dqnsweep.env.Step;
import org.dqnsweep.env.Wrapper;

/** baselines {@code ClipRewardEnv}: the learner sees the sign of the reward; {@link Step#rawReward()} keeps the score. */
public final class ClipReward extends Wrapper {
  public ClipReward(Env env) {
    super(env);
  }

  @Override
  public Step step(int action) {
    Step step = env.step(action);
    return step.withReward(Math.signum(step.reward()));
  }
}
