package org.dqnsweep.env;

/**
 * What one {@link Env#step} produced.
 *
 * @param reward the reward the learner sees (clipped to its sign when clipping is on)
 * @param rawReward the game's score change over the step, never clipped: what reports and returns use
 * @param terminated the learning episode ended (game over, or a lost life under episodic-life training)
 * @param truncated the episode was cut by the frame limit rather than ended by the game
 * @param gameOver the real game ended (equals {@code terminated} unless episodic life is on)
 */
public record Step(double reward, double rawReward, boolean terminated, boolean truncated, boolean gameOver) {

  /** The learning episode is over: reset before the next step. */
  public boolean done() {
    return terminated || truncated;
  }

  /** The real game episode is over (what episode returns are reported on). */
  public boolean gameDone() {
    return gameOver || truncated;
  }

  public Step withReward(double newReward) {
    return new Step(newReward, rawReward, terminated, truncated, gameOver);
  }

  public Step withTerminated(boolean newTerminated) {
    return new Step(reward, rawReward, newTerminated, truncated, gameOver);
  }
}
