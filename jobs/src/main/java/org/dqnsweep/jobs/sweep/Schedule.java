package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.util.List;

/**
 * How the driver turns a sweep's trials into Spark jobs: without a scheduler, one job per trial at its full budget
 * ({@link #WHOLE}); with ASHA, one per rung a trial reaches ({@link AshaSchedule}).
 */
interface Schedule {
  /** The first job of each trial still to run. */
  List<TrialJob> start(List<PlannedTrial> todo) throws IOException;

  /** What follows a job that trained to its budget: the trial's next job, or how the trial ended. */
  Next next(TrialJob job, TrialOutcome outcome) throws IOException;

  /** How many jobs may be in flight at once, given how many trials Spark can run at once. */
  int inFlight(int sparkSlots);

  /**
   * @param job the trial's next job, or null when it has ended
   * @param ended how it ended (when {@code job} is null)
   */
  record Next(TrialJob job, TrialOutcome.Status ended) {}

  /** Today's sweep: every trial's one job is submitted at once and Spark queues them. */
  Schedule WHOLE = new Schedule() {
    @Override
    public List<TrialJob> start(List<PlannedTrial> todo) {
      return todo.stream().map(TrialJob::whole).toList();
    }

    @Override
    public Next next(TrialJob job, TrialOutcome outcome) {
      return new Next(null, outcome.status());
    }

    @Override
    public int inFlight(int sparkSlots) {
      return Integer.MAX_VALUE;
    }
  };
}
