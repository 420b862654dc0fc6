package org.dqnsweep.track;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The sweep's layout in MLflow, over the mlflow-client: one experiment per sweep name, a parent run per sweep
 * (tag {@code sweep_id}) and a child run per trial (tags {@code mlflow.parentRunId}, {@code trial_id}). Runs are
 * found by their tags before any is created, so a retried task, a rerun sweep or {@code mlflow-sync} reuse them.
 * Requests respect MLflow's limits: at most 1000 metrics + params + tags per batch, 100 params, 100 tags.
 */
public final class MlflowRuns implements BatchSender, AutoCloseable {
  static final int MAX_ENTRIES = 1000;
  static final int MAX_PARAMS = 100;
  static final int MAX_TAGS = 100;
  /** MLflow's longest param value. */
  static final int MAX_PARAM_LENGTH = 6000;

  /** Longest wait for one REST call; the mlflow-client itself has no read timeout. */
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private final MlflowClient client;
  private final String trackingUri;
  private final Duration deadline;
  private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "mlflow-call");
    t.setDaemon(true); // a call stuck on a silent server must not keep the JVM alive
    return t;
  });

  public MlflowRuns(MlflowAuth auth) {
    this(auth, DEADLINE);
  }

  MlflowRuns(MlflowAuth auth, Duration deadline) {
    this.client = auth.newClient();
    this.trackingUri = auth.trackingUri();
    this.deadline = deadline;
  }

  private void send(String what, Runnable request) {
    call(what, () -> {
      request.run();
      return null;
    });
  }

  /**
   * Runs one mlflow-client call on a helper thread and waits at most the deadline, so that a server which accepts
   * connections but never answers fails the caller with a clear error instead of blocking it forever.
   */
  private <T> T call(String what, Callable<T> request) {
    Future<T> reply = calls.submit(request);
    try {
      return reply.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      reply.cancel(true);
      throw new MlflowClientException("the MLflow server at " + trackingUri + " did not answer " + what + " within "
          + deadline.toSeconds() + " s: check that it is up and not overloaded (its log), or that nothing between "
          + "here and it swallows requests");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new MlflowClientException(what + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      reply.cancel(true);
      Thread.currentThread().interrupt();
      throw new MlflowClientException("interrupted while waiting for MLflow's answer to " + what, e);
    }
  }

  /** MLflow's experiment kind for model training: its UI and clients then treat the experiment as such. */
  public static final String EXPERIMENT_KIND_TAG = "mlflow.experimentKind";
  public static final String MODEL_TRAINING_KIND = "custom_model_development";

  /**
   * The experiment's id, created if it does not exist yet (another driver may create it at the same time), tagged
   * as a model-training experiment ({@link #EXPERIMENT_KIND_TAG}) if it is not yet.
   */
  public String experiment(String name) {
    var found = byName(name);
    String id;
    if (found.isPresent()) {
      id = found.get().getExperimentId();
      if (found.get().getTagsList().stream().anyMatch(t -> t.getKey().equals(EXPERIMENT_KIND_TAG))) {
        return id; // a kind the user chose stays
      }
    } else {
      try {
        id = call("createExperiment", () -> client.createExperiment(name));
      } catch (MlflowHttpException e) {
        id = byName(name).map(Experiment::getExperimentId).orElseThrow(() -> e);
      }
    }
    experimentTag(id, EXPERIMENT_KIND_TAG, MODEL_TRAINING_KIND);
    return id;
  }

  /**
   * The experiment of that name, if any, by a search: getExperimentByName answers 404 for a new name, which the
   * client logs as a retried "rate limit" warning on every first run.
   */
  private java.util.Optional<Experiment> byName(String name) {
    String filter = "name = '" + name.replace("'", "\\'") + "'";
    return call("searchExperiments", () -> client.searchExperiments(filter, ViewType.ACTIVE_ONLY, 1, List.of()))
        .getItems().stream().filter(x -> x.getName().equals(name)).findFirst();
  }

  public void experimentTag(String experimentId, String key, String value) {
    call("setExperimentTag", () -> {
      client.setExperimentTag(experimentId, key, value);
      return null;
    });
  }

  /**
   * The run whose tags include all of {@code identity}, or a new one with those tags, named {@code name}.
   *
   * @return the run, and whether it was created now
   */
  public Found findOrCreate(String experimentId, String name, Map<String, String> identity) {
    StringBuilder filter = new StringBuilder();
    identity.forEach((k, v) -> filter.append(filter.length() == 0 ? "" : " and ").append("tags.`").append(k)
        .append("` = '").append(v.replace("'", "\\'")).append("'"));
    List<Run> runs = call("searchRuns", () -> client.searchRuns(List.of(experimentId), filter.toString(),
        ViewType.ACTIVE_ONLY, 2)).getItems();
    if (!runs.isEmpty()) {
      return new Found(runs.get(0).getInfo(), false);
    }
    CreateRun.Builder request = CreateRun.newBuilder().setExperimentId(experimentId).setRunName(name)
        .setStartTime(System.currentTimeMillis());
    identity.forEach((k, v) -> request.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
    return new Found(call("createRun", () -> client.createRun(request.build())), true);
  }

  /** A run and whether {@link #findOrCreate} made it. */
  public record Found(RunInfo info, boolean created) {
    public String runId() {
      return info.getRunId();
    }
  }

  /** Deletes a run (MLflow keeps it in its trash until garbage-collected). */
  public void delete(String runId) {
    send("deleteRun", () -> client.deleteRun(runId));
  }

  /** Child runs of a parent, by their {@code trial_id} tag. */
  public Map<String, RunInfo> children(String experimentId, String parentRunId) {
    Map<String, RunInfo> byTrial = new HashMap<>();
    String filter = "tags.`mlflow.parentRunId` = '" + parentRunId + "'";
    String token = null;
    do {
      String pageToken = token;
      var page = call("searchRuns", () -> pageToken == null
          ? client.searchRuns(List.of(experimentId), filter, ViewType.ACTIVE_ONLY, 1000)
          : client.searchRuns(List.of(experimentId), filter, ViewType.ACTIVE_ONLY, 1000, List.of(), pageToken));
      for (Object item : page.getItems()) {
        Run r = (Run) item;
        r.getData().getTagsList().stream().filter(t -> t.getKey().equals("trial_id")).findFirst()
            .ifPresent(t -> byTrial.put(t.getValue(), r.getInfo()));
      }
      token = page.getNextPageToken().orElse(null);
    } while (token != null && !token.isEmpty());
    return byTrial;
  }

  /** Logs params the run does not have yet (a param cannot change once logged), 100 per request. */
  public void logParams(String runId, Map<String, String> params) {
    Set<String> existing = new HashSet<>();
    call("getRun", () -> client.getRun(runId)).getData().getParamsList().forEach(p -> existing.add(p.getKey()));
    List<Param> todo = new ArrayList<>();
    params.forEach((k, v) -> {
      if (!existing.contains(k)) {
        String value = v.length() > MAX_PARAM_LENGTH ? v.substring(0, MAX_PARAM_LENGTH) : v;
        todo.add(Param.newBuilder().setKey(k).setValue(value).build());
      }
    });
    for (int i = 0; i < todo.size(); i += MAX_PARAMS) {
      List<Param> part = todo.subList(i, Math.min(todo.size(), i + MAX_PARAMS));
      send("logBatch", () -> client.logBatch(runId, List.of(), part, List.of()));
    }
  }

  public void setTags(String runId, Map<String, String> tags) {
    List<RunTag> all = new ArrayList<>();
    tags.forEach((k, v) -> all.add(RunTag.newBuilder().setKey(k).setValue(v).build()));
    for (int i = 0; i < all.size(); i += MAX_TAGS) {
      List<RunTag> part = all.subList(i, Math.min(all.size(), i + MAX_TAGS));
      send("logBatch", () -> client.logBatch(runId, List.of(), List.of(), part));
    }
  }

  public void finish(String runId, boolean ok) {
    long end = System.currentTimeMillis();
    send("setTerminated", () -> client.setTerminated(runId, ok ? RunStatus.FINISHED : RunStatus.FAILED, end));
  }

  /** The agent steps at which each of {@code keys} already has a point in the run. */
  public Map<String, Set<Long>> loggedSteps(String runId, Set<String> keys) {
    Map<String, Set<Long>> steps = new HashMap<>();
    for (String key : keys) {
      Set<Long> s = new HashSet<>();
      for (Metric m : call("getMetricHistory", () -> client.getMetricHistory(runId, key))) {
        s.add(m.getStep());
      }
      steps.put(key, s);
    }
    return steps;
  }

  /** Logs metric points, 1000 per request. */
  @Override
  public void logMetrics(String runId, List<MetricPoint> points) {
    for (int i = 0; i < points.size(); i += MAX_ENTRIES) {
      List<Metric> batch = new ArrayList<>();
      for (MetricPoint p : points.subList(i, Math.min(points.size(), i + MAX_ENTRIES))) {
        batch.add(Metric.newBuilder().setKey(p.key()).setValue(p.value()).setStep(p.step())
            .setTimestamp(p.timestampMillis()).build());
      }
      send("logBatch", () -> client.logBatch(runId, batch, List.of(), List.of()));
    }
  }

  public RunInfo run(String runId) {
    return call("getRun", () -> client.getRun(runId)).getInfo();
  }

  @Override
  public void close() {
    calls.shutdownNow();
    client.close();
  }
}
