package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.util.List;

/**
 * How the driver turns a sweep's trials into Spark jobs: without a scheduler, one job per trial at its full budget
 * ({@link #WHOLE}); with ASHA, one per rung a trial reaches ({@link AshaSchedule}); with PBT, one per member and
 * generation ({@link PbtSchedule}).
 */
interface Schedule {
  /** The first job of each trial still to run. */
  List<TrialJob> start(List<PlannedTrial> todo) throws IOException;

  /**
   * What follows a job that ended (trained to its budget, or failed for good: no result): the jobs to submit next
   * (the same trial's, or a whole population's), and the trials that ended, with how.
   */
  Next next(TrialJob job, TrialOutcome outcome) throws IOException;

  /** Trials that end when no job is left to run (ASHA's paused trials), with how. */
  default List<TrialOutcome> finish() {
    return List.of();
  }

  /** How many jobs may be in flight at once, given how many trials Spark can run at once. */
  int inFlight(int sparkSlots);

  /** Jobs to submit, in order, and trials that ended. */
  record Next(List<TrialJob> jobs, List<TrialOutcome> ended) {
    static Next job(TrialJob j) {
      return new Next(List.of(j), List.of());
    }

    static Next end(TrialOutcome o) {
      return new Next(List.of(), List.of(o));
    }

    /** Nothing yet: the trial waits for others (a PBT generation). */
    static final Next WAIT = new Next(List.of(), List.of());
  }

  /** Today's sweep: every trial's one job is submitted at once and Spark queues them. */
  Schedule WHOLE = new Schedule() {
    @Override
    public List<TrialJob> start(List<PlannedTrial> todo) {
      return todo.stream().map(TrialJob::whole).toList();
    }

    @Override
    public Next next(TrialJob job, TrialOutcome outcome) {
      return Next.end(outcome);
    }

    @Override
    public int inFlight(int sparkSlots) {
      return Integer.MAX_VALUE;
    }
  };
}
