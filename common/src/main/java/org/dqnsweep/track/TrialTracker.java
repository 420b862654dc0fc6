package org.dqnsweep.track;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dqnsweep.train.TrialListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trial's MLflow child run seen from the task that trains it: metrics streamed while it trains, then artifacts,
 * tags and the end status. Tracking never fails or stalls the trial: if the server cannot be reached when the
 * trial starts, this attempt streams nothing (the run is filled in later by {@code bin/dqn mlflow-sync} from the
 * Parquet tables); every later call has a deadline and only logs a warning when it fails.
 */
public final class TrialTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrialTracker.class);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private final String runId;
  private final MlflowRuns runs;
  private final MlflowArtifacts artifacts;
  private final AsyncBatcher batcher;
  private final TrialListener listener;
  private final ExecutorService calls;

  /** One artifact of the run: its path under the run's artifact root, and its bytes. */
  public record Artifact(String path, byte[] bytes) {}

  private TrialTracker(String runId, MlflowRuns runs, MlflowArtifacts artifacts, AsyncBatcher batcher,
      TrialListener listener, ExecutorService calls) {
    this.runId = runId;
    this.runs = runs;
    this.artifacts = artifacts;
    this.batcher = batcher;
    this.listener = listener;
    this.calls = calls;
  }

  /** Connects to the child run; when the server cannot tell what the run holds, this attempt streams nothing. */
  public static TrialTracker open(MlflowAuth auth, String runId) {
    ExecutorService calls = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "mlflow-calls-" + runId);
      t.setDaemon(true); // the mlflow-client has no read timeout: a hung server must not keep the JVM alive
      return t;
    });
    MlflowRuns runs = new MlflowRuns(auth);
    MlflowArtifacts artifacts = new MlflowArtifacts(auth);
    try {
      var logged = call(calls, () -> runs.loggedSteps(runId, TrackingListener.KEYS));
      // its own client: the batcher's thread and the calls thread must not share one connection
      AsyncBatcher batcher = new AsyncBatcher(runId, new MlflowRuns(auth), 100_000, Duration.ofSeconds(30));
      return new TrialTracker(runId, runs, artifacts, batcher, new TrackingListener(batcher::add, logged), calls);
    } catch (Exception e) {
      LOG.warn("MLflow run {}: cannot read it ({}); this attempt streams no metrics, bin/dqn mlflow-sync fills them "
          + "in from the Parquet tables", runId, e.getMessage());
      return new TrialTracker(runId, runs, artifacts, null, new TrialListener() {}, calls);
    }
  }

  /** The listener that streams the trial's metrics. */
  public TrialListener listener() {
    return listener;
  }

  /**
   * Sends the queued metrics (up to {@code flushDeadline}), uploads the artifacts, sets the tags and ends the run
   * FINISHED or FAILED.
   */
  public void finish(boolean ok, Map<String, String> tags, List<Artifact> files, Duration flushDeadline) {
    send(tags, files, flushDeadline, ok);
  }

  /**
   * Sends the queued metrics, uploads the artifacts (replacing earlier ones) and sets the tags, leaving the run
   * open: for a trial that pauses between scheduled jobs.
   */
  public void update(Map<String, String> tags, List<Artifact> files, Duration flushDeadline) {
    send(tags, files, flushDeadline, null);
  }

  /** @param ok how the run ends, or null to leave it running */
  private void send(Map<String, String> tags, List<Artifact> files, Duration flushDeadline, Boolean ok) {
    flush(flushDeadline);
    try {
      String artifactUri = call(calls, () -> runs.run(runId).getArtifactUri());
      for (Artifact a : files) {
        artifacts.upload(artifactUri, a.path(), a.bytes());
      }
      call(calls, () -> {
        runs.setTags(runId, tags);
        if (ok != null) {
          runs.finish(runId, ok);
        }
        return null;
      });
    } catch (Exception e) {
      LOG.warn("MLflow run {}: could not upload artifacts or set its tags ({}); bin/dqn mlflow-sync does", runId,
          e.getMessage());
    }
  }

  /** Sends what is queued, for a trial that stops without ending (its task will be retried). */
  public void flush(Duration deadline) {
    if (batcher != null) {
      batcher.close(deadline);
      if (batcher.dropped() > 0) {
        LOG.warn("MLflow run {}: {} metric points were not sent; bin/dqn mlflow-sync restores them", runId,
            batcher.dropped());
      }
    }
  }

  private static <T> T call(ExecutorService calls, Callable<T> c) throws Exception {
    Future<T> f = calls.submit(c);
    try {
      return f.get(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } finally {
      f.cancel(true);
    }
  }

  @Override
  public void close() {
    calls.shutdownNow();
    runs.close();
  }
}
