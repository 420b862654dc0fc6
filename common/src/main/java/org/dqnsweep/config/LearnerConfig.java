package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;

/**
 * The DQN update. Defaults are the original script's: Adam lr 1e-4 (PyTorch's default eps 1e-8), gamma 0.99,
 * Huber loss, batch 32, hard target sync every 1,000 updates, one update per agent step after 10,000 steps, and no
 * gradient clipping: the script's {@code grad.data.clamp(-1, 1)} is not in place, so it never clipped (its TF twin
 * clips by value; set {@code grad_clip: value} for that).
 *
 * @param gamma discount factor
 * @param lr Adam learning rate
 * @param adamEps Adam epsilon, added to the square root of the second moment (PyTorch default 1e-8)
 * @param loss of the TD error: {@code huber} (quadratic within {@code huber_delta}, then linear) or {@code mse}
 * @param huberDelta where the Huber loss turns from quadratic to linear
 * @param doubleDqn take the next action from the online net, its value from the target net (van Hasselt 2016)
 * @param gradClip {@code none}, {@code value} (clamp each gradient element to +-{@code grad_clip_value}) or
 *     {@code norm} (rescale to the global L2 norm {@code grad_clip_value}, as torch.nn.utils.clip_grad_norm_)
 * @param gradClipValue the clamp bound or the max global norm
 * @param batchSize transitions per update
 * @param targetSyncEveryUpdates copy online to target every this many updates
 * @param trainEveryAgentSteps one update every this many agent steps
 * @param learnStartAgentSteps no update before this many agent steps
 */
public record LearnerConfig(
    double gamma,
    double lr,
    double adamEps,
    Loss loss,
    double huberDelta,
    boolean doubleDqn,
    GradClip gradClip,
    double gradClipValue,
    int batchSize,
    int targetSyncEveryUpdates,
    int trainEveryAgentSteps,
    long learnStartAgentSteps) {

  public static final LearnerConfig ORIGINAL_SCRIPT =
      new LearnerConfig(0.99, 1e-4, 1e-8, Loss.HUBER, 1.0, false, GradClip.NONE, 1.0, 32, 1000, 1, 10_000);

  /** The loss of the TD error. */
  public enum Loss { HUBER, MSE }

  /** How gradients are clipped before the Adam step. */
  public enum GradClip { NONE, VALUE, NORM }

  public LearnerConfig {
    require(gamma >= 0 && gamma <= 1, "learner.gamma", "must be in [0, 1], got " + gamma);
    require(lr > 0 && lr < 1, "learner.lr", "must be in (0, 1), got " + lr);
    require(adamEps > 0 && adamEps < 1, "learner.adam_eps", "must be in (0, 1), got " + adamEps);
    require(loss != null, "learner.loss", "expected huber or mse");
    require(huberDelta > 0 && Double.isFinite(huberDelta), "learner.huber_delta", "must be a finite number > 0, got "
        + huberDelta);
    require(gradClip != null, "learner.grad_clip", "expected none, value or norm");
    require(gradClipValue > 0 && Double.isFinite(gradClipValue), "learner.grad_clip_value",
        "must be a finite number > 0, got " + gradClipValue);
    require(batchSize >= 1 && batchSize <= 65536, "learner.batch_size", "must be in [1, 65536], got " + batchSize);
    require(targetSyncEveryUpdates >= 1, "learner.target_sync_every_updates", "must be >= 1 update, got "
        + targetSyncEveryUpdates);
    require(trainEveryAgentSteps >= 1, "learner.train_every_agent_steps", "must be >= 1 agent step, got "
        + trainEveryAgentSteps);
    require(learnStartAgentSteps >= 0, "learner.learn_start_agent_steps", "must be >= 0 agent steps, got "
        + learnStartAgentSteps);
  }
}
