package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.dqnsweep.io.ParquetTable;
import org.dqnsweep.track.MlflowArtifacts;
import org.dqnsweep.track.MlflowAuth;
import org.dqnsweep.track.MlflowTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;

/** Sweeps tracked by a real MLflow server: the run layout, point counts equal to the tables, outages. */
class MlflowTrackingTest {
  private static final Configuration CONF = new Configuration();

  private static Path spec(Path dir, String name, long steps) throws IOException {
    return TinySweeps.write(dir, name, TinySweeps.cartPoleBase(steps, 500, 500), """
        grid:
          learner.lr: [1.0e-3, 3.0e-4]
        """);
  }

  private static Path sweepRoot(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      return s.findFirst().orElseThrow();
    }
  }

  private static Map<String, String> tags(Run r) {
    return r.getData().getTagsList().stream().collect(Collectors.toMap(RunTag::getKey, RunTag::getValue));
  }

  private static long rows(Path root, String table, String trialId, String nonNull) throws IOException {
    List<Group> rows = ParquetTable.read(CONF, new org.apache.hadoop.fs.Path(
        root.resolve(table + "/trial_id=" + trialId).toUri()));
    return nonNull == null ? rows.size() : rows.stream().filter(g -> g.getFieldRepetitionCount(nonNull) > 0).count();
  }

  /** Every metric of every child run has exactly as many points as the trial's tables have rows. */
  private static void assertPointsMatchTables(MlflowClient client, String experimentId, Path root)
      throws IOException {
    List<Run> children = client.searchRuns(List.of(experimentId), "tags.kind = 'trial'", ViewType.ACTIVE_ONLY, 100)
        .getItems();
    assertEquals(2, children.size());
    for (Run child : children) {
      String trial = tags(child).get("trial_id");
      String id = child.getInfo().getRunId();
      long games = rows(root, "episodes", trial, null);
      assertTrue(games > 0, "CartPole plays games");
      assertEquals(games, client.getMetricHistory(id, "episode_return").size(), trial);
      assertEquals(games, client.getMetricHistory(id, "mean10_return").size(), trial);
      assertEquals(rows(root, "evals", trial, null), client.getMetricHistory(id, "eval_return").size(), trial);
      assertEquals(rows(root, "train_metrics", trial, "loss"), client.getMetricHistory(id, "loss").size(), trial);
      assertEquals(rows(root, "train_metrics", trial, null), client.getMetricHistory(id, "epsilon").size(), trial);
      assertEquals(RunStatus.FINISHED, client.getRun(id).getInfo().getStatus(), trial);
    }
  }

  @Test
  void aSweepLogsParentAndChildRunsWithEveryPointAndArtifacts(@TempDir Path dir) throws IOException {
    MlflowTestServer server = MlflowTestServer.shared(); // this test's experiment is its own
    Path out = dir.resolve("out");
    CliRunner.Run r = CliRunner.run("sweep", spec(dir, "tracked", 1200).toString(), "--output", out.toString(),
        "--tracking-uri", server.uri(), "--progress-seconds", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    MlflowAuth auth = MlflowAuth.fromEnv(server.uri(), Map.of());
    try (MlflowClient client = auth.newClient()) {
      String exp = client.getExperimentByName("tracked").orElseThrow().getExperimentId();
      List<Run> parents = client.searchRuns(List.of(exp), "tags.kind = 'sweep'", ViewType.ACTIVE_ONLY, 10)
          .getItems();
      assertEquals(1, parents.size());
      Run parent = parents.get(0);
      assertEquals(RunStatus.FINISHED, parent.getInfo().getStatus());
      assertTrue(tags(parent).containsKey("best_trial_id"), tags(parent).toString());
      assertTrue(tags(parent).get("spark_application_id").startsWith("local-"));
      assertPointsMatchTables(client, exp, sweepRoot(out));
      for (Run child : client.searchRuns(List.of(exp), "tags.kind = 'trial'", ViewType.ACTIVE_ONLY, 10)
          .getItems()) {
        assertEquals(parent.getInfo().getRunId(), tags(child).get("mlflow.parentRunId"));
        assertEquals("cpu()", tags(child).get("device"));
        assertTrue(child.getData().getParamsList().stream().anyMatch(p -> p.getKey().equals("learner.lr")));
        Set<String> files = new MlflowArtifacts(auth).list(child.getInfo().getRunId(), "").stream()
            .map(MlflowArtifacts.ArtifactFile::path).collect(Collectors.toSet());
        assertEquals(Set.of("config.yaml", "model.bin", "learning_curve.png"), files);
      }
    }
    // a rerun of the same sweep (here: with --restart) reuses the runs instead of making new ones
    CliRunner.Run again = CliRunner.run("sweep", spec(dir, "tracked", 1200).toString(), "--output",
        out.toString(), "--tracking-uri", server.uri(), "--restart");
    assertEquals(0, again.code(), again.out() + again.err());
    try (MlflowClient client = auth.newClient()) {
      String exp = client.getExperimentByName("tracked").orElseThrow().getExperimentId();
      assertEquals(3, client.searchRuns(List.of(exp), "", ViewType.ACTIVE_ONLY, 100).getItems().size());
    }
    // the same sweep into another output folder is another set of runs, not a continuation of these
    CliRunner.Run elsewhere = CliRunner.run("sweep", spec(dir, "tracked", 1200).toString(), "--output",
        dir.resolve("out2").toString(), "--tracking-uri", server.uri());
    assertEquals(0, elsewhere.code(), elsewhere.out() + elsewhere.err());
    try (MlflowClient client = auth.newClient()) {
      String exp = client.getExperimentByName("tracked").orElseThrow().getExperimentId();
      assertEquals(6, client.searchRuns(List.of(exp), "", ViewType.ACTIVE_ONLY, 100).getItems().size());
      Map<String, String> experimentTags = client.getExperiment(exp).getTagsList().stream()
          .collect(Collectors.toMap(t -> t.getKey(), t -> t.getValue()));
      assertEquals("custom_model_development", experimentTags.get("mlflow.experimentKind"));
      String sweepId = sweepRoot(out).getFileName().toString();
      assertTrue(experimentTags.getOrDefault("mlflow.sharedViewState." + sweepId, "").contains("eval_return"),
          "the printed links' saved view: " + experimentTags.keySet());
      assertTrue(r.out().contains("viewStateShareKey=" + sweepId) && r.out().contains("workflowType=machine_learning"),
          r.out());
    }
  }

  @Test
  void anAshaSweepShowsEachTrialsRungsAndThePausedCountsOnTheParent(@TempDir Path dir) throws IOException {
    Path spec = TinySweeps.write(dir, "asha", TinySweeps.cartPoleBase(600, 200, 0), """
        grid:
          learner.lr: [1.0e-3, 1.0e-4]
        seeds: [1, 2]
        scheduler: {type: asha, min_agent_steps: 300, reduction_factor: 3}
        """);
    MlflowTestServer server = MlflowTestServer.shared(); // this test's experiment is its own
    Path out = dir.resolve("out");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", out.toString(), "--tracking-uri",
        server.uri(), "--parallel", "1", "--progress-seconds", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    Path root = sweepRoot(out);
    try (MlflowClient client = MlflowAuth.fromEnv(server.uri(), Map.of()).newClient()) {
      String exp = client.getExperimentByName("asha").orElseThrow().getExperimentId();
      List<Run> children = client.searchRuns(List.of(exp), "tags.kind = 'trial'", ViewType.ACTIVE_ONLY, 10)
          .getItems();
      assertEquals(4, children.size());
      int paused = 0;
      for (Run child : children) {
        Map<String, String> tags = tags(child);
        String trial = tags.get("trial_id");
        String id = child.getInfo().getRunId();
        List<Group> mine = ParquetTable.read(CONF, new org.apache.hadoop.fs.Path(
            root.resolve("rungs/trial_id=" + trial).toUri()));
        Group last = mine.stream().max(java.util.Comparator.comparingLong(g -> g.getLong("rung", 0))).orElseThrow();
        String decision = last.getString("decision", 0);
        assertEquals(Long.toString(last.getLong("rung", 0)), tags.get("rung"), trial);
        assertEquals(decision, tags.get("rung_decision"), trial);
        assertEquals(decision.equals("PAUSE") ? "PAUSED" : "FINISHED", tags.get("status"), trial);
        paused += decision.equals("PAUSE") ? 1 : 0;
        assertEquals(RunStatus.FINISHED, client.getRun(id).getInfo().getStatus(), "ended: " + trial);
        assertTrue(client.getMetricHistory(id, "rung").size() >= mine.size(), "a rung point per decision");
        assertEquals(rows(root, "evals", trial, null), client.getMetricHistory(id, "eval_return").size(), trial);
        assertEquals(rows(root, "episodes", trial, null), client.getMetricHistory(id, "episode_return").size());
      }
      Run parent = client.searchRuns(List.of(exp), "tags.kind = 'sweep'", ViewType.ACTIVE_ONLY, 10).getItems()
          .get(0);
      Map<String, Double> summary = parent.getData().getMetricsList().stream().collect(Collectors.toMap(
          m -> m.getKey(), m -> m.getValue()));
      assertEquals(3.0, summary.get("paused_trials"), summary.toString());
      assertEquals(paused, summary.get("paused_at_rung_0"), "two rungs: only rung 0 pauses");
      long spent = org.dqnsweep.jobs.sweep.TrialsTable.read(CONF, new org.apache.hadoop.fs.Path(root.toUri()))
          .values().stream().mapToLong(org.dqnsweep.jobs.sweep.TrialsTable.Row::agentSteps).sum();
      assertEquals((double) spent, summary.get("agent_steps_spent"), "the trials' agent steps, pruned or not");
      assertEquals("asha", parent.getData().getParamsList().stream().filter(p -> p.getKey().equals(
          "scheduler.type")).findFirst().orElseThrow().getValue());
    }
  }

  @Test
  void aPbtSweepPlotsEachMembersSettingsAndNamesTheMemberItCopied(@TempDir Path dir) throws IOException {
    Path spec = TinySweeps.write(dir, "pbt", TinySweeps.cartPoleBase(400, 200, 0), """
        grid:
          learner.lr: [1.0e-3, 1.0e-4]
        seeds: [1, 2]
        scheduler: {type: pbt, interval_agent_steps: 200, perturb: {learner.lr: [0.8, 1.2]}}
        """);
    MlflowTestServer server = MlflowTestServer.shared(); // this test's experiment is its own
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", dir.resolve("out").toString(),
        "--tracking-uri", server.uri(), "--progress-seconds", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    try (MlflowClient client = MlflowAuth.fromEnv(server.uri(), Map.of()).newClient()) {
      String exp = client.getExperimentByName("pbt").orElseThrow().getExperimentId();
      int copies = 0;
      for (Run child : client.searchRuns(List.of(exp), "tags.kind = 'trial'", ViewType.ACTIVE_ONLY, 10)
          .getItems()) {
        Map<String, String> tags = tags(child);
        String id = child.getInfo().getRunId();
        assertEquals(RunStatus.FINISHED, client.getRun(id).getInfo().getStatus());
        assertEquals("1", tags.get("generation"), "its last generation");
        assertEquals(List.of(200L, 400L), client.getMetricHistory(id, "pbt.learner.lr").stream()
            .map(m -> m.getStep()).sorted().toList(), "its learning rate at each generation's end");
        copies += client.getMetricHistory(id, "generation").stream().anyMatch(m -> m.getStep() == 200)
            && tags.containsKey("pbt_parent") ? 1 : 0;
      }
      assertEquals(1, copies, "one of four copied a member at the first generation's end");
      Run parent = client.searchRuns(List.of(exp), "tags.kind = 'sweep'", ViewType.ACTIVE_ONLY, 10).getItems()
          .get(0);
      assertTrue(parent.getData().getMetricsList().stream().anyMatch(m -> m.getKey().equals("exploits")),
          parent.getData().getMetricsList().toString());
    }
  }

  @Test
  void aTrialStoppingOnAStepDueForEvaluationAndCheckpointRecordsThemOnce(@TempDir Path dir) throws IOException {
    // moving_dot games are 32 steps: the 10th ends at step 320, where the target (any mean) stops the trial, on a
    // step due for both an evaluation and a checkpoint
    Path spec = TinySweeps.write(dir, "stopstep", """
        base: moving-dot
        set: {trainer.stop_mean10_above: -.inf, trainer.eval_every_agent_steps: 160,
              trainer.checkpoint_every_agent_steps: 160, trainer.max_agent_steps: 2000, trainer.eval_episodes: 2}
        """, "");
    MlflowTestServer server = MlflowTestServer.shared(); // this test's experiment is its own
    Path out = dir.resolve("out");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", out.toString(), "--tracking-uri",
        server.uri(), "--progress-seconds", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    Path root = sweepRoot(out);
    try (MlflowClient client = MlflowAuth.fromEnv(server.uri(), Map.of()).newClient()) {
      String exp = client.getExperimentByName("stopstep").orElseThrow().getExperimentId();
      Run child = client.searchRuns(List.of(exp), "tags.kind = 'trial'", ViewType.ACTIVE_ONLY, 10).getItems().get(0);
      String trial = tags(child).get("trial_id");
      List<Long> evalSteps = ParquetTable.read(CONF, new org.apache.hadoop.fs.Path(
          root.resolve("evals/trial_id=" + trial).toUri())).stream().map(g -> g.getLong("step", 0)).sorted()
          .toList();
      assertEquals(List.of(160L, 320L), evalSteps, "one evaluation row per due step, the stop step once");
      assertEquals(List.of(160L, 320L), client.getMetricHistory(child.getInfo().getRunId(), "eval_return").stream()
          .map(m -> m.getStep()).sorted().toList(), "one eval_return point per evaluation");
    }
  }

  @Test
  void anOutageMidSweepLosesNothingOnceSynced(@TempDir Path dir) throws Exception {
    try (MlflowTestServer server = MlflowTestServer.start()) {
      Path out = dir.resolve("out");
      Path spec = spec(dir, "outage", 6000);
      CompletableFuture<CliRunner.Run> sweep = CompletableFuture.supplyAsync(() -> CliRunner.run("sweep",
          spec.toString(), "--output", out.toString(), "--tracking-uri", server.uri(), "--progress-seconds", "1"));
      // stop the server once both trials have trained a while (their runs exist and hold some points)
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline && !trained(out, 1500)) {
        Thread.sleep(200);
      }
      boolean started = trained(out, 1500);
      server.stop();
      // the sweep ends before anything is asserted: a failure must not delete its folder under it
      CliRunner.Run r = sweep.get(5, TimeUnit.MINUTES);
      assertTrue(started, "the trials started");
      assertEquals(0, r.code(), "an MLflow outage does not fail the sweep: " + r.out() + r.err());
      server.restart();
      Path root = sweepRoot(out);

      CliRunner.Run sync = CliRunner.run("mlflow-sync", root.toString(), "--tracking-uri", server.uri());
      assertEquals(0, sync.code(), sync.out() + sync.err());
      assertTrue(!sync.out().contains(" 0 metric points added"), "the outage lost points: " + sync.out());
      MlflowAuth auth = MlflowAuth.fromEnv(server.uri(), Map.of());
      try (MlflowClient client = auth.newClient()) {
        String exp = client.getExperimentByName("outage").orElseThrow().getExperimentId();
        assertPointsMatchTables(client, exp, root);
        // the artifacts the trials could not upload were rebuilt from the tables and last checkpoints
        assertTrue(sync.out().contains("uploaded model.bin"), sync.out());
        for (Run child : client.searchRuns(List.of(exp), "tags.kind = 'trial'", ViewType.ACTIVE_ONLY, 10)
            .getItems()) {
          Set<String> files = new MlflowArtifacts(auth).list(child.getInfo().getRunId(), "").stream()
              .map(MlflowArtifacts.ArtifactFile::path).collect(Collectors.toSet());
          assertEquals(Set.of("config.yaml", "model.bin", "learning_curve.png"), files);
        }
      }
      CliRunner.Run twice = CliRunner.run("mlflow-sync", root.toString(), "--tracking-uri", server.uri());
      assertEquals(0, twice.code(), twice.out() + twice.err());
      assertTrue(twice.out().contains(" 0 metric points added"), "a second sync adds nothing: " + twice.out());
    }
  }

  /** Every trial reports at least {@code step} agent steps in its live progress. */
  private static boolean trained(Path out, long step) throws IOException {
    if (!Files.isDirectory(out)) {
      return false;
    }
    try (Stream<Path> sweeps = Files.list(out)) {
      for (Path s : sweeps.toList()) {
        Path progress = s.resolve("_progress");
        if (!Files.isDirectory(progress)) {
          return false;
        }
        try (Stream<Path> files = Files.list(progress)) {
          List<Path> reports = files.filter(p -> p.toString().endsWith(".json")).toList();
          if (reports.size() < 2) {
            return false;
          }
          for (Path p : reports) {
            String json;
            try {
              json = Files.readString(p);
            } catch (NoSuchFileException e) {
              return false; // being replaced (delete, then rename): the next poll reads it
            }
            long at = Long.parseLong(json.replaceAll(".*\"step\":(\\d+).*", "$1"));
            if (at < step) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }
}
