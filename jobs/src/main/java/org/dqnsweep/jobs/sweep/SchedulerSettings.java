package org.dqnsweep.jobs.sweep;

import java.io.Serializable;
import org.dqnsweep.train.TrialResult;

/** A sweep's {@code scheduler:} section: ASHA or PBT. */
public sealed interface SchedulerSettings extends Serializable permits AshaSettings, PbtSettings {
  /** What trials are ranked by, read from the result of a trial's job at the end of its budget. */
  enum Metric {
    /** the evaluation at the job's last step (a job's last step always evaluates) */
    EVAL_RETURN,
    /** the mean raw return of the last 10 training games */
    MEAN10_RETURN;

    public double of(TrialResult r) {
      return this == EVAL_RETURN ? r.finalEvalReturn() : r.mean10();
    }
  }

  /** Which direction is better. */
  enum Mode { MAX, MIN }

  Metric metric();

  Mode mode();

  /** The agent step every trial that is not stopped trains to. */
  long maxAgentSteps();

  /** The schedule in one line, for --plan and the driver. */
  String describe();
}
