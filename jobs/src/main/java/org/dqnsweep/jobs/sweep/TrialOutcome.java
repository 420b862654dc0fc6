package org.dqnsweep.jobs.sweep;

import java.io.Serializable;
import org.dqnsweep.train.TrialResult;

/**
 * How one trial of a sweep ended, as sent from its Spark task to the driver (one row of the {@code trials} table).
 *
 * @param status how it ended
 * @param device the device it trained on ({@code cpu()}, {@code gpu(0)}, ...)
 * @param gpuAddress the GPU address Spark gave the task, empty when none was scheduled
 * @param deviceNote why it trained where it did (e.g. CPU although a GPU address was given)
 * @param result the trainer's result; null when the trial failed before finishing
 * @param error the failure, one line; empty when finished
 * @param attempt Spark's attempt number of the task that ended it (0: first try)
 */
public record TrialOutcome(String trialId, Status status, String device, String gpuAddress, String deviceNote,
    TrialResult result, String error, int attempt) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * How a trial ended; its name is what the trials table and the MLflow run's {@code status} tag hold. PAUSED: ASHA
   * left it at a rung, never promoted (its tables are complete up to the step it reached, its checkpoint kept).
   */
  public enum Status { FINISHED, FAILED, PAUSED }

  /** The same outcome with another status (the driver's decision on a trial whose job finished). */
  TrialOutcome withStatus(Status s) {
    return new TrialOutcome(trialId, s, device, gpuAddress, deviceNote, result, error, attempt);
  }

  /** A trial whose task failed for good (retries exhausted or a lost executor): only the driver knows. */
  public static TrialOutcome failed(String trialId, String error) {
    return new TrialOutcome(trialId, Status.FAILED, "", "", "", null, error, -1);
  }
}
