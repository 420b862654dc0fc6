package org.dqnsweep.train;

/**
 * What a training run reports, as typed events: the seam where Parquet tables, MLflow and live progress attach
 * without the loop knowing about them. All methods default to doing nothing; they run on the training thread, so
 * a slow sink should queue and return.
 */
public interface TrialListener {

  /** Once, when {@link Trainer#run} starts: at agent step 0, or at the step of the checkpoint it resumes from. */
  default void onStart(long step) {}

  /** Every agent step: the action taken and what it brought. */
  default void onTransition(Transition t) {}

  /** The end of a game (a real game over or truncation, not a lost life). */
  default void onEpisode(Episode e) {}

  /** Every {@code trainer.progress_every_agent_steps}: learner statistics over the interval. */
  default void onTrainInterval(TrainInterval t) {}

  /** After each evaluation. */
  default void onEvaluation(Evaluation e) {}

  /**
   * Just before the checkpoint of {@code step} is written: make everything reported so far durable. A run resumed
   * from that checkpoint reports only what comes after it, so a sink that commits here and, on resume, drops what
   * it committed after the resumed step, writes each event exactly once.
   */
  default void onCommit(long step) {}

  /** After a checkpoint is durably written. */
  default void onCheckpoint(Checkpoint c) {}

  /**
   * @param step agent step of this transition (0-based)
   * @param episode game number (0-based)
   * @param action the action taken
   * @param reward the learner's (clipped) reward
   * @param rawReward the game's score change
   * @param done the transition ended the learning episode (no bootstrap)
   * @param epsilon exploration rate when acting
   * @param qTaken Q of the taken action at act time; NaN when the action was random (no forward pass was run)
   * @param frame the newest frame of the observation the action was chosen from (84x84 grey bytes for Atari, the
   *     state's float32 bytes for CartPole), copied on request: valid during the call only
   */
  record Transition(long step, long episode, int action, double reward, double rawReward, boolean done,
      double epsilon, double qTaken, Frame frame) {}

  /** A frame that is copied only if a listener asks for it (most sweeps store none). */
  interface Frame {
    byte[] copy();
  }

  /**
   * @param episode game number (0-based)
   * @param endStep agent steps taken when it ended
   * @param rawReturn sum of the game's rewards
   * @param clippedReturn sum of the learner's rewards
   * @param length agent steps in the game
   * @param epsilon exploration rate at its end
   * @param emulatorFrames emulator frames since the run started
   * @param wallSeconds training time since the run started (over resumes)
   * @param mean10 mean raw return of the last 10 games, this one included
   */
  record Episode(long episode, long endStep, double rawReturn, double clippedReturn, long length, double epsilon,
      long emulatorFrames, double wallSeconds, double mean10) {}

  /**
   * @param step agent steps so far
   * @param updates learner updates so far
   * @param loss mean loss over the interval's updates (NaN before learning starts)
   * @param qMean mean Q of the taken actions in the interval's batches
   * @param tdErrorMean mean absolute TD error over the interval's batches
   * @param updatesPerSecond learner updates per wall second over the interval
   * @param agentStepsPerSecond agent steps per wall second over the interval
   * @param epsilon exploration rate now
   */
  record TrainInterval(long step, long updates, double loss, double qMean, double tdErrorMean,
      double updatesPerSecond, double agentStepsPerSecond, double epsilon) {}

  /**
   * @param step agent steps of training when it ran
   * @param returns raw return of each evaluation game
   * @param mean mean raw return
   * @param std population standard deviation of the raw returns
   */
  record Evaluation(long step, double[] returns, double mean, double std) {}

  /**
   * @param step agent steps covered by the checkpoint
   * @param path where it was written, relative to the run's storage
   */
  record Checkpoint(long step, String path) {}
}
