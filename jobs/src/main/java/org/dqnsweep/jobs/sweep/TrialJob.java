package org.dqnsweep.jobs.sweep;

import java.io.Serializable;
import java.util.List;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;

/**
 * What one Spark job of a sweep trains: a trial up to a step budget, resuming from its last checkpoint. A sweep
 * without a scheduler gives each trial one job at its full budget; ASHA one per rung it reaches; PBT one per
 * generation, with the member's settings of that generation.
 *
 * @param configYaml the trial's config for this job (PBT changes it between generations)
 * @param budget the agent step the job trains to ({@code trainer.max_agent_steps} for this job)
 * @param stage "rung" (ASHA), "generation" (PBT), or empty without a scheduler: the MLflow tag this job sets
 * @param index the rung or generation (0 without a scheduler)
 * @param endsRun the trial ends with this job, so the task ends its MLflow run; otherwise the driver ends it once it
 *     has decided the trial is done
 * @param adopted the job starts from a checkpoint copied from another member, or null
 */
record TrialJob(PlannedTrial trial, String configYaml, long budget, String stage, int index, boolean endsRun,
    Adopted adopted) implements Serializable {

  /**
   * A PBT member that copied another member's state at {@code step}: it goes on counting its own games, from
   * {@code games}.
   */
  record Adopted(long step, long games) implements Serializable {}

  /** The trial's only job: its whole budget. */
  static TrialJob whole(PlannedTrial trial) {
    return new TrialJob(trial, trial.configYaml(), trial.config().trainer().maxAgentSteps(), "", 0, true, null);
  }

  /** The job that trains {@code trial} up to rung {@code rung}'s budget. */
  static TrialJob rung(PlannedTrial trial, int rung, long budget, boolean last) {
    return new TrialJob(trial, trial.configYaml(), budget, "rung", rung, last, null);
  }

  String trialId() {
    return trial.trialId();
  }

  boolean scheduled() {
    return !stage.isEmpty();
  }

  /** The job's config with its budget. */
  TrialConfig config() {
    return TrialConfig.parse(Yaml.parse(configYaml, trial.trialId()), trial.trialId(),
        List.of("trainer.max_agent_steps=" + budget));
  }
}
