package org.dqnsweep.train;

/**
 * How a training run ended.
 *
 * @param stopReason {@code max_agent_steps} or {@code target_return}
 * @param agentSteps agent steps taken (over resumes)
 * @param emulatorFrames emulator frames run by the training env
 * @param games games finished
 * @param updates learner updates
 * @param finalEvalReturn mean raw return of the final evaluation (NaN if evaluation is off)
 * @param bestEvalReturn best mean raw return over all evaluations (NaN if none ran)
 * @param mean10 mean raw return of the last 10 training games (NaN before the first)
 * @param wallSeconds training time over resumes
 * @param device the device it trained on
 */
public record TrialResult(String stopReason, long agentSteps, long emulatorFrames, long games, long updates,
    double finalEvalReturn, double bestEvalReturn, double mean10, double wallSeconds, String device)
    implements java.io.Serializable {}
