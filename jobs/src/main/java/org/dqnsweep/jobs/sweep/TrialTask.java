package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.slf4j.LoggerFactory;
import org.slf4j.Logger;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.jobs.SparkConfs;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.storage.HadoopStorage;
import org.dqnsweep.io.ParquetSink;
import org.dqnsweep.track.MlflowAuth;
import org.dqnsweep.track.TrialTracker;
import org.dqnsweep.train.Checkpoints;
import org.dqnsweep.train.Listeners;
import org.dqnsweep.train.Trainer;
import org.dqnsweep.train.TrialListener;
import org.dqnsweep.train.TrialResult;
import org.dqnsweep.config.NotRetryable;
import org.dqnsweep.util.Torch;

/**
 * The body of one Spark task: trains one trial up to its job's budget into the sweep's folder, resuming from its
 * last checkpoint when a previous attempt, rung or run of the sweep left one. A diverged trial is a result (FAILED,
 * no retry); anything else is thrown so that Spark retries the task, and the retry resumes.
 */
final class TrialTask implements Function<TrialJob, TrialOutcome> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TrialTask.class);
  static final String CHECKPOINTS = "checkpoints";
  // how long a finished trial waits for a slow tracking server before leaving the rest to mlflow-sync
  private static final java.time.Duration FLUSH_DEADLINE = java.time.Duration.ofSeconds(15);

  private final String sweepRoot;
  private final long framesEvery;
  private final List<Fault> faults;
  private final long progressMillis;
  private final String trackingUri;
  private final HashMap<String, String> runIds;

  /**
   * @param sweepRoot the sweep's output folder URI
   * @param framesEvery transition rows with a frame: 0 none, 1 all, n every n-th step
   * @param faults injected failures (tests only)
   * @param trackingUri the MLflow server, or null for no tracking
   * @param runIds each trial's MLflow child run
   */
  TrialTask(String sweepRoot, long framesEvery, List<Fault> faults, long progressMillis, String trackingUri,
      Map<String, String> runIds) {
    this.sweepRoot = sweepRoot;
    this.framesEvery = framesEvery;
    this.faults = new ArrayList<>(faults);
    this.progressMillis = progressMillis;
    this.trackingUri = trackingUri;
    this.runIds = new HashMap<>(runIds);
  }

  @Override
  public TrialOutcome call(TrialJob job) throws IOException {
    PlannedTrial trial = job.trial();
    TaskContext task = TaskContext.get();
    int attempt = task == null ? 0 : task.attemptNumber();
    // Hadoop settings as the driver sees them: the executor's defaults plus the job's spark.hadoop.*
    Configuration conf = SparkEnv.get() == null ? new Configuration() : SparkConfs.hadoop(SparkEnv.get().conf());
    Path root = new Path(sweepRoot);
    TrialConfig config = job.config();
    TaskDevice device = TaskDevice.select(task);
    LOG.info("trial {} attempt {}: {} with {} thread(s) ({})", trial.trialId(), attempt, device.device(),
        device.threads(), device.note());
    Torch.mallocHint(device.device()).ifPresent(LOG::warn);
    DqnLearner.cpuKernelsHint(device.device()).ifPresent(LOG::warn);

    HadoopStorage checkpoints = new HadoopStorage(new Path(new Path(root, CHECKPOINTS), trial.trialId()), conf);
    boolean resume = new Checkpoints(checkpoints, 1).latest().isPresent();
    List<TrialListener> listeners = new ArrayList<>();
    ParquetSink tables = new ParquetSink(conf, root, trial.trialId(), framesEvery);
    listeners.add(tables);
    listeners.add(new TrialProgress.Reporter(new HadoopStorage(root, conf), trial.trialId(),
        config.trainer().maxAgentSteps(), progressMillis));
    if (task != null) { // a cancelled job (its sweep's driver stopped) stops its trial at the next step
      listeners.add(new TrialListener() {
        @Override
        public void onTransition(TrialListener.Transition t) {
          task.killTaskIfInterrupted();
        }
      });
    }
    for (Fault f : faults) {
      if (f.trial().equals(trial.trialId())) {
        listeners.add(new FaultInjector(f, attempt));
      }
    }
    TrialTracker tracker = trackingUri == null ? null
        : TrialTracker.open(MlflowAuth.fromEnv(trackingUri), runIds.get(trial.trialId()));
    if (tracker != null) {
      listeners.add(tracker.listener());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("device", device.device().toString());
    tags.put("gpu_address", device.gpuAddress());
    tags.put("attempt", Integer.toString(attempt));
    if (job.scheduled()) {
      tags.put(job.stage(), Integer.toString(job.index()));
      tags.put(job.stage() + "_agent_steps", Long.toString(job.budget()));
    }
    try (tables; Trainer trainer = new Trainer(config, device.device(), checkpoints, resume,
        new Listeners(listeners.toArray(TrialListener[]::new)))) {
      if (resume) {
        LOG.info("trial {} resumes at agent step {}", trial.trialId(), trainer.step());
      }
      if (job.adopted() != null && trainer.step() == job.adopted().step()) { // a copied member state, not yet trained
        trainer.renumberGames(job.adopted().games());
      }
      TrialResult result = trainer.run();
      if (tracker != null && job.endsRun()) {
        tags.put("status", TrialOutcome.Status.FINISHED.name());
        tracker.finish(true, tags, TrialArtifacts.of(trial, trainer.policy(), conf, root), FLUSH_DEADLINE);
      } else if (tracker != null) { // the driver decides what comes next, and ends the run if the trial is done
        tracker.update(tags, TrialArtifacts.of(trial, trainer.policy(), conf, root), FLUSH_DEADLINE);
      }
      return new TrialOutcome(trial.trialId(), TrialOutcome.Status.FINISHED, device.device().toString(),
          device.gpuAddress(), device.note(), result, "", attempt);
    } catch (RuntimeException | IOException e) {
      if (!(e instanceof NotRetryable)) {
        if (tracker != null) {
          tracker.flush(FLUSH_DEADLINE); // the retry continues the same run
        }
        throw e;
      }
      // a diverged loss, a bad config or ROM: every retry would fail the same way, so the trial ends here
      LOG.warn("trial {} failed for good: {}", trial.trialId(), e.getMessage());
      if (tracker != null) {
        tags.put("status", TrialOutcome.Status.FAILED.name());
        tags.put("error", e.getMessage());
        tracker.finish(false, tags, List.of(), FLUSH_DEADLINE);
      }
      return new TrialOutcome(trial.trialId(), TrialOutcome.Status.FAILED, device.device().toString(),
          device.gpuAddress(), device.note(), null, e.getMessage(), attempt);
    } finally {
      if (tracker != null) {
        tracker.close();
      }
    }
  }
}
