package org.dqnsweep.track;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.dqnsweep.track.MlflowArtifacts.ArtifactFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * The mlflow-client 2.17.2 and {@link MlflowArtifacts} against a real MLflow 3.x server ({@link MlflowTestServer}):
 * the calls the tracker is built from, each checked by reading back what the server stored.
 */
class MlflowServerTest {
  private static MlflowTestServer server;
  private static MlflowClient client;
  private static MlflowAuth auth;

  @BeforeAll
  static void startServer() {
    server = MlflowTestServer.start();
    System.out.println("mlflow test server up at " + server.uri() + " in " + server.lastStartMillis() + " ms");
    auth = MlflowAuth.fromEnv(server.uri(), Map.of());
    client = auth.newClient();
  }

  @AfterAll
  static void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static String experiment(String name) {
    return client.getExperimentByName(name).map(Experiment::getExperimentId)
        .orElseGet(() -> client.createExperiment(name));
  }

  private static RunInfo createRun(String experimentId, String name, Map<String, String> tags) {
    CreateRun.Builder request = CreateRun.newBuilder().setExperimentId(experimentId).setRunName(name)
        .setStartTime(System.currentTimeMillis());
    tags.forEach((k, v) -> request.addTags(RunTag.newBuilder().setKey(k).setValue(v)));
    return client.createRun(request.build());
  }

  private static Metric metric(String key, double value, long step, long timestamp) {
    return Metric.newBuilder().setKey(key).setValue(value).setStep(step).setTimestamp(timestamp).build();
  }

  private static Map<String, String> tags(Run run) {
    return run.getData().getTagsList().stream().collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
  }

  @Test
  void experimentIsFoundByNameOrCreatedOnce() {
    assertEquals(Optional.empty(), client.getExperimentByName("dqn-exp-lookup"));
    String id = experiment("dqn-exp-lookup");
    assertEquals(id, experiment("dqn-exp-lookup"));
    Experiment e = client.getExperimentByName("dqn-exp-lookup").orElseThrow();
    assertEquals("mlflow-artifacts:/" + id, e.getArtifactLocation());
    // A second create of the same name is a 400 RESOURCE_ALREADY_EXISTS (two drivers racing must look up again).
    MlflowHttpException dup = assertThrows(MlflowHttpException.class, () -> client.createExperiment("dqn-exp-lookup"));
    assertEquals(400, dup.getStatusCode());
    assertTrue(dup.getBodyMessage().contains("RESOURCE_ALREADY_EXISTS"), dup.getBodyMessage());
  }

  @Test
  void parentAndChildRunsWithBatchesAreStoredAndSearchable() {
    String exp = experiment("dqn-runs");
    RunInfo parent = createRun(exp, "sweep-quickstart", Map.of("sweep_id", "sw1", "kind", "sweep"));
    RunInfo child = createRun(exp, "trial-t1", Map.of("mlflow.parentRunId", parent.getRunId(),
        "sweep_id", "sw1", "trial_id", "t1", "kind", "trial"));
    RunInfo other = createRun(exp, "trial-t2", Map.of("mlflow.parentRunId", parent.getRunId(),
        "sweep_id", "sw1", "trial_id", "t2", "kind", "trial"));
    assertEquals(RunStatus.RUNNING, child.getStatus());
    assertEquals("mlflow-artifacts:/" + exp + "/" + child.getRunId() + "/artifacts", child.getArtifactUri());

    long t0 = System.currentTimeMillis();
    List<Metric> metrics = new ArrayList<>();
    // 2 keys x 498 steps + 2 params + 1 tag = 999 entries: a batch may hold at most 1000 metrics, params and tags
    // together (and at most 100 params, 100 tags).
    for (int i = 0; i < 498; i++) {
      metrics.add(metric("train/loss", 1.0 / (i + 1), 100L * i, t0 + i));
      metrics.add(metric("train/epsilon", 1.0 - i / 1000.0, 100L * i, t0 + i));
    }
    List<Param> params = List.of(Param.newBuilder().setKey("learner.lr").setValue("1e-4").build(),
        Param.newBuilder().setKey("env.game").setValue("pong").build());
    List<RunTag> tags = List.of(RunTag.newBuilder().setKey("device").setValue("cpu").build());
    client.logBatch(child.getRunId(), metrics, params, tags);
    client.logBatch(child.getRunId(), List.of(metric("eval/return", -21, 50_000, t0)), List.of(), List.of());
    client.setTerminated(child.getRunId(), RunStatus.FINISHED, System.currentTimeMillis());

    Run run = client.getRun(child.getRunId());
    assertEquals(RunStatus.FINISHED, run.getInfo().getStatus());
    assertTrue(run.getInfo().getEndTime() >= t0);
    assertEquals("trial-t1", run.getInfo().getRunName());
    Map<String, String> runTags = tags(run);
    assertEquals(parent.getRunId(), runTags.get("mlflow.parentRunId"));
    assertEquals("cpu", runTags.get("device"));
    assertEquals("trial-t1", runTags.get("mlflow.runName"));
    assertEquals(Map.of("learner.lr", "1e-4", "env.game", "pong"), run.getData().getParamsList().stream()
        .collect(Collectors.toMap(Param::getKey, Param::getValue)));
    // getRun carries the latest value per key (largest step).
    Map<String, Metric> latest = run.getData().getMetricsList().stream()
        .collect(Collectors.toMap(Metric::getKey, m -> m));
    assertEquals(49_700, latest.get("train/loss").getStep());
    assertEquals(1.0 / 498, latest.get("train/loss").getValue(), 1e-12);

    List<Metric> history = client.getMetricHistory(child.getRunId(), "train/loss");
    assertEquals(498, history.size());
    Metric h = history.stream().filter(m -> m.getStep() == 700).findFirst().orElseThrow();
    assertEquals(1.0 / 8, h.getValue(), 1e-12);
    assertEquals(t0 + 7, h.getTimestamp());
    assertEquals(1, client.getMetricHistory(child.getRunId(), "eval/return").size());
    assertEquals(0, client.getMetricHistory(child.getRunId(), "no/such").size());

    List<Run> found = client.searchRuns(List.of(exp), "tags.trial_id = 't1'", ViewType.ACTIVE_ONLY, 100).getItems();
    assertEquals(List.of(child.getRunId()), found.stream().map(r -> r.getInfo().getRunId()).toList());
    List<Run> children = client.searchRuns(List.of(exp),
        "tags.`mlflow.parentRunId` = '" + parent.getRunId() + "'", ViewType.ACTIVE_ONLY, 100).getItems();
    assertEquals(2, children.size());
    assertTrue(children.stream().anyMatch(r -> r.getInfo().getRunId().equals(other.getRunId())));
    List<Run> finished = client.searchRuns(List.of(exp),
        "tags.sweep_id = 'sw1' and attributes.status = 'FINISHED'", ViewType.ACTIVE_ONLY, 100).getItems();
    assertEquals(1, finished.size());
    List<Run> byParam = client.searchRuns(List.of(exp), "params.`learner.lr` = '1e-4'",
        ViewType.ACTIVE_ONLY, 100).getItems();
    assertEquals(1, byParam.size());
  }

  @Test
  void batchesThatARetryRepeatsAreHarmlessAndLimitsAreEnforced() {
    String exp = experiment("dqn-retries");
    RunInfo run = createRun(exp, "retry", Map.of());
    List<Metric> batch = List.of(metric("m", 1.5, 10, 1000), metric("m", 2.5, 20, 1001));
    List<Param> params = List.of(Param.newBuilder().setKey("p").setValue("1").build());
    client.logBatch(run.getRunId(), batch, params, List.of());
    // The same batch again (a retry after a lost answer): the same param value is accepted, and a metric equal in
    // key, value, step and timestamp to a stored one is not stored twice. So a retried batch is harmless.
    client.logBatch(run.getRunId(), batch, params, List.of());
    assertEquals(2, client.getMetricHistory(run.getRunId(), "m").size());

    // A param is immutable: another value is a 400 INVALID_PARAMETER_VALUE.
    MlflowHttpException changed = assertThrows(MlflowHttpException.class, () -> client.logBatch(run.getRunId(),
        List.of(), List.of(Param.newBuilder().setKey("p").setValue("2").build()), List.of()));
    assertEquals(400, changed.getStatusCode());
    // More than 1000 entries in one batch: 400, and nothing of it is stored.
    List<Metric> tooMany = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(metric("big", i, i, 2000 + i));
    }
    MlflowHttpException big = assertThrows(MlflowHttpException.class,
        () -> client.logBatch(run.getRunId(), tooMany, List.of(), List.of()));
    assertEquals(400, big.getStatusCode());
    assertEquals(0, client.getMetricHistory(run.getRunId(), "big").size());
    // NaN comes back as NaN; +infinity comes back as Double.MAX_VALUE (the SQL store clamps it).
    client.logBatch(run.getRunId(), List.of(metric("odd", Double.NaN, 1, 1), metric("odd", Double.POSITIVE_INFINITY,
        2, 2)), List.of(), List.of());
    List<Metric> odd = client.getMetricHistory(run.getRunId(), "odd");
    assertTrue(odd.stream().anyMatch(m -> Double.isNaN(m.getValue())), odd.toString());
    assertTrue(odd.stream().anyMatch(m -> m.getStep() == 2 && m.getValue() == Double.MAX_VALUE), odd.toString());
  }

  @Test
  void artifactsGoThroughTheProxy(@TempDir Path tmp) throws IOException {
    String exp = experiment("dqn-artifacts");
    RunInfo run = createRun(exp, "artifacts", Map.of());
    MlflowArtifacts artifacts = new MlflowArtifacts(auth);
    byte[] config = "seed: 1\nlearner:\n  lr: 1.0e-4\n".getBytes(StandardCharsets.UTF_8);
    artifacts.upload(run.getArtifactUri(), "config.yaml", config);
    Path ckpt = tmp.resolve("ckpt-600.bin");
    byte[] blob = new byte[3 << 20];
    new Random(7).nextBytes(blob);
    Files.write(ckpt, blob);
    artifacts.upload(run.getArtifactUri(), "checkpoints/ckpt 600.bin", ckpt);

    assertEquals(List.of(new ArtifactFile("checkpoints", true, 0),
            new ArtifactFile("config.yaml", false, config.length)),
        artifacts.list(run.getRunId(), "").stream().sorted(Comparator.comparing(ArtifactFile::path))
            .toList());
    assertEquals(List.of(new ArtifactFile("checkpoints/ckpt 600.bin", false, blob.length)),
        artifacts.list(run.getRunId(), "checkpoints"));
    assertArrayEquals(config, artifacts.download(run.getArtifactUri(), "config.yaml"));
    assertArrayEquals(blob, artifacts.download(run.getArtifactUri(), "checkpoints/ckpt 600.bin"));
    // On the server's disk: <artifacts-destination>/<experiment>/<run>/artifacts/<path>.
    Path onDisk = server.state().resolve("artifacts").resolve(exp).resolve(run.getRunId())
        .resolve("artifacts/checkpoints/ckpt 600.bin");
    assertArrayEquals(blob, Files.readAllBytes(onDisk));

    assertEquals(server.uri() + "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + run.getRunId()
        + "/artifacts/a%20b/c.txt", artifacts.artifactUrl(run.getArtifactUri(), "a b/c.txt").toString());
    assertThrows(IllegalArgumentException.class, () -> artifacts.upload(run.getArtifactUri(), "../x", config));
    assertThrows(IllegalArgumentException.class, () -> artifacts.upload("file:///tmp/mlruns/1/x/artifacts", "a",
        config));
    IOException missing = assertThrows(IOException.class, () -> artifacts.download(run.getArtifactUri(), "nope"));
    assertTrue(missing.getMessage().contains("HTTP 404"), missing.getMessage());
  }

  @Test
  void aHungServerBlocksTheClientButNotTheArtifactCalls() throws Exception {
    String exp = experiment("dqn-hang");
    RunInfo run = createRun(exp, "hang", Map.of());
    MlflowArtifacts artifacts = new MlflowArtifacts(auth, Duration.ofSeconds(2),
        Duration.ofSeconds(2));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    server.freeze();
    Future<Run> call;
    try {
      // The mlflow-client sets no connect or read timeout: the call waits as long as the server does.
      call = pool.submit(() -> client.getRun(run.getRunId()));
      assertThrows(TimeoutException.class, () -> call.get(4, TimeUnit.SECONDS));
      // MlflowArtifacts' calls are bounded by its request timeout.
      IOException timeout = assertThrows(IOException.class, () -> artifacts.list(run.getRunId(), ""));
      assertTrue(timeout.getCause() instanceof HttpTimeoutException, timeout.toString());
    } finally {
      server.thaw();
    }
    assertEquals(run.getRunId(), call.get(30, TimeUnit.SECONDS).getInfo().getRunId());
    pool.shutdown();
  }

  @Test
  void anOutageFailsFastAndTheRestartedServerHasEverything() {
    String exp = experiment("dqn-outage");
    RunInfo run = createRun(exp, "outage", Map.of("trial_id", "o1"));
    client.logBatch(run.getRunId(), List.of(metric("x", 1, 1, 1)), List.of(), List.of());
    server.stop();
    try {
      long t0 = System.nanoTime();
      MlflowClientException down = assertThrows(MlflowClientException.class,
          () -> client.logBatch(run.getRunId(), List.of(metric("x", 2, 2, 2)), List.of(), List.of()));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("call during outage failed in " + ms + " ms: " + down);
      assertFalse(down instanceof MlflowHttpException, "a refused connection is not an HTTP answer");
      assertTrue(ms < 5000, "a refused connection fails fast, took " + ms + " ms");
    } finally {
      server.restart();
    }
    System.out.println("mlflow test server restarted in " + server.lastStartMillis() + " ms");
    // The same client (its pooled connections are dead) works again, and the store kept everything.
    client.logBatch(run.getRunId(), List.of(metric("x", 3, 3, 3)), List.of(), List.of());
    assertEquals(List.of(1L, 3L), client.getMetricHistory(run.getRunId(), "x").stream().map(Metric::getStep)
        .sorted().toList());
    assertEquals(1, client.searchRuns(List.of(exp), "tags.trial_id = 'o1'", ViewType.ACTIVE_ONLY, 10)
        .getItems().size());
  }
}
