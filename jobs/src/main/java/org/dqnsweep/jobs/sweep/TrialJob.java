package org.dqnsweep.jobs.sweep;

import java.io.Serializable;
import java.util.List;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;

/**
 * What one Spark job of a sweep trains: a trial up to a step budget, resuming from its last checkpoint. A sweep
 * without a scheduler gives each trial one job at its full budget; ASHA gives it one job per rung it reaches.
 *
 * @param budget the agent step the job trains to ({@code trainer.max_agent_steps} for this job)
 * @param rung the ASHA rung this job trains (0 without a scheduler)
 * @param scheduled the sweep has a scheduler (the MLflow run gets rung tags)
 * @param endsRun the trial ends with this job, so the task ends its MLflow run; otherwise the driver ends it once it
 *     has decided the trial is done
 */
record TrialJob(PlannedTrial trial, long budget, int rung, boolean scheduled, boolean endsRun)
    implements Serializable {

  /** The trial's only job: its whole budget. */
  static TrialJob whole(PlannedTrial trial) {
    return new TrialJob(trial, trial.config().trainer().maxAgentSteps(), 0, false, true);
  }

  /** The job that trains {@code trial} up to rung {@code rung}'s budget. */
  static TrialJob rung(PlannedTrial trial, int rung, long budget, boolean last) {
    return new TrialJob(trial, budget, rung, true, last);
  }

  String trialId() {
    return trial.trialId();
  }

  /** The trial's config with this job's budget. */
  TrialConfig config() {
    return TrialConfig.parse(Yaml.parse(trial.configYaml(), trial.trialId()), trial.trialId(),
        List.of("trainer.max_agent_steps=" + budget));
  }
}
