package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dqnsweep.jobs.sweep.PlannedTrial;
import org.dqnsweep.jobs.sweep.SweepPlanner;
import org.dqnsweep.jobs.sweep.SweepSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local-mode sweeps end to end: the tables, exactly-once rows under injected faults, reruns. */
class SweepJobTest {
  /** 600 agent steps, checkpoints every 200. */
  private static Path spec(Path dir, String name, String rest) throws IOException {
    return TinySweeps.write(dir, name, TinySweeps.cartPoleBase(600, 200, 0), rest);
  }

  private static SparkSession reader() {
    return SparkSession.builder().master("local[1]").appName("read").config("spark.ui.enabled", "false")
        .getOrCreate();
  }

  private static Path sweepRoot(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      List<Path> all = s.toList();
      assertEquals(1, all.size(), "one sweep folder: " + all);
      return all.get(0);
    }
  }

  @Test
  void aLocalSweepOfFourTrialsWritesEveryTable(@TempDir Path dir) throws IOException {
    Path spec = spec(dir, "grid4", """
        grid:
          learner.lr: [1.0e-3, 3.0e-4]
          learner.target_sync_every_updates: [50, 100]
        seeds: [1]
        transitions: {frames: every_n, every_n: 100}
        """);
    Path out = dir.resolve("out");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", out.toString(), "--progress-seconds", "1",
        "--tracking-uri", "none");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("4 trials (4 to run)"), r.out());
    Path root = sweepRoot(out);
    assertTrue(Files.exists(root.resolve("plan.yaml")) && Files.exists(root.resolve("spec.yaml")));

    try (SparkSession spark = reader()) {
      assertTables(spark, root);
    }

    // a second run finds every trial finished and runs nothing
    CliRunner.Run again = CliRunner.run("sweep", spec.toString(), "--output", out.toString(), "--tracking-uri", "none");
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("every trial is finished"), again.out());
  }

  private static void assertTables(SparkSession spark, Path root) {
    Dataset<Row> trials = spark.read().parquet(root.resolve("trials").toString());
    assertEquals(4, trials.count());
    assertEquals(4, trials.filter("status = 'FINISHED' and agent_steps = 600 and device = 'cpu()'").count(),
        trials.collectAsList().toString());
    assertEquals(2, trials.select("learner_lr").distinct().count(), "swept params are columns");
    assertEquals(4, trials.select("learner_lr", "learner_target_sync_every_updates").distinct().count());

    Dataset<Row> transitions = spark.read().parquet(root.resolve("transitions").toString());
    assertEquals(4 * 600, transitions.count());
    assertEquals(4 * 600, transitions.select("trial_id", "step").distinct().count(), "one row per (trial, step)");
    assertEquals(4 * 6, transitions.filter("frame is not null").count(), "frames every 100 steps");
    assertEquals(16, transitions.filter("frame is not null").first().<byte[]>getAs("frame").length,
        "CartPole's state: 4 float32");
    Dataset<Row> episodes = spark.read().parquet(root.resolve("episodes").toString());
    assertEquals(episodes.count(), episodes.select("trial_id", "episode").distinct().count());
    assertTrue(episodes.count() >= 4 * 600 / 500);
    assertEquals(4 * 6, spark.read().parquet(root.resolve("train_metrics").toString()).count());
    assertEquals(4, spark.read().parquet(root.resolve("evals").toString()).count(), "one final evaluation each");
    Map<Object, Long> perTrialSteps = transitions.groupBy("trial_id").count().collectAsList().stream()
        .collect(Collectors.toMap(row -> row.get(0), row -> row.getLong(1)));
    assertEquals(4, perTrialSteps.size());
    assertTrue(perTrialSteps.values().stream().allMatch(n -> n == 600));
  }

  @Test
  void retriedTrialsWriteEachRowExactlyOnceAndAHopelessOneIsRecordedFailed(@TempDir Path dir) throws IOException {
    String grid = """
        grid:
          learner.lr: [1.0e-3, 3.0e-4, 1.0e-4]
        seeds: [1]
        """;
    List<PlannedTrial> plan = SweepPlanner.plan(SweepSpec.load(spec(dir, "plan", grid), List.of()));
    String flaky = plan.get(0).trialId();
    String hopeless = plan.get(1).trialId();
    String doomed = plan.get(2).trialId();
    // the flaky trial dies mid-interval after its checkpoint at 400, twice; the hopeless one on every attempt; the
    // doomed one fails as a bad ROM or config would, which no retry cures
    Path spec = spec(dir, "faults", grid + """
        faults:
          - {trial: %s, fail_at_step: 455, times: 2}
          - {trial: %s, fail_at_step: 150, times: 99}
          - {trial: %s, fail_at_step: 120, times: 99, permanent: true}
        """.formatted(flaky, hopeless, doomed));
    Path out = dir.resolve("out");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", out.toString(), "--progress-seconds", "1",
        "--tracking-uri", "none");
    assertEquals(0, r.code(), "not every trial failed: " + r.out() + r.err());
    assertTrue(r.out().contains("trial " + hopeless + " FAILED"), r.out());
    Path root = sweepRoot(out);

    try (SparkSession spark = reader()) {
      assertExactlyOnce(spark, root, flaky, hopeless);
      Row failed = spark.read().parquet(root.resolve("trials").toString()).filter("trial_id = '" + doomed + "'")
          .first();
      assertEquals("FAILED", failed.getAs("status"));
      assertEquals(0L, (long) failed.getAs("attempt"), "ended at its first attempt, not retried");
      assertTrue(failed.<String>getAs("error").contains("permanent"), failed.toString());
    }
    assertFalse(r.out().contains("trial " + flaky + " FAILED"));
    assertEquals(1, (r.out() + r.err()).split("injected fault at agent step 120", -1).length - 1,
        "the permanent failure is reported once, not once per attempt");
  }

  private static void assertExactlyOnce(SparkSession spark, Path root, String flaky, String hopeless) {
    Dataset<Row> trials = spark.read().parquet(root.resolve("trials").toString());
    Row failed = trials.filter("trial_id = '" + hopeless + "'").first();
    assertEquals("FAILED", failed.getAs("status"));
    assertTrue(failed.<String>getAs("error").contains("injected fault at agent step 150"), failed.toString());
    Row retried = trials.filter("trial_id = '" + flaky + "'").first();
    assertEquals("FINISHED", retried.getAs("status"));
    assertEquals(2L, (long) retried.getAs("attempt"), "finished on the third attempt");

    Dataset<Row> steps = spark.read().parquet(root.resolve("transitions").toString())
        .filter("trial_id = '" + flaky + "'");
    assertEquals(600, steps.count(), "no duplicates");
    assertEquals(600, steps.select("step").distinct().count());
    assertEquals(0L, (long) steps.agg(org.apache.spark.sql.functions.min("step")).first().getLong(0));
    assertEquals(599L, (long) steps.agg(org.apache.spark.sql.functions.max("step")).first().getLong(0), "no gaps");
    Dataset<Row> episodes = spark.read().parquet(root.resolve("episodes").toString())
        .filter("trial_id = '" + flaky + "'");
    assertEquals(episodes.count(), episodes.select("episode").distinct().count());
    List<Long> numbers = episodes.orderBy("episode").select("episode").as(
        org.apache.spark.sql.Encoders.LONG()).collectAsList();
    for (int i = 0; i < numbers.size(); i++) {
      assertEquals(i, numbers.get(i), "episodes 0..n-1 without gaps");
    }
  }

  @Test
  void anAshaSweepSurvivesADriverStopWithEachDecisionAndEachRowWrittenOnce(@TempDir Path dir) throws IOException {
    String grid = """
        grid:
          learner.lr: [1.0e-3, 1.0e-4]
        seeds: [1, 2]
        scheduler: {type: asha, metric: eval_return, min_agent_steps: 300, max_agent_steps: 600, reduction_factor: 3}
        """;
    List<PlannedTrial> plan = SweepPlanner.plan(SweepSpec.load(spec(dir, "plan", grid), List.of()));
    // every trial that reaches its second rung fails once there (Spark retries it), and the driver dies right after
    // its second decision: after a trial's first rung, or at the end of its last, before its trial row is written
    StringBuilder faults = new StringBuilder("faults:\n");
    plan.forEach(t -> faults.append("  - {trial: ").append(t.trialId()).append(", fail_at_step: 450, times: 1}\n"));
    Path spec = spec(dir, "asha", grid + faults + "  - {stop_driver_after_decisions: 2}\n");
    Path out = dir.resolve("out");
    String[] command = {"sweep", spec.toString(), "--output", out.toString(), "--parallel", "1",
        "--progress-seconds", "1", "--tracking-uri", "none"};
    CliRunner.Run stopped = CliRunner.run(command);
    assertEquals(3, stopped.code(), stopped.out() + stopped.err());
    assertTrue(stopped.out().contains("stopped: injected fault: the driver stops after 2 scheduler decisions"),
        stopped.out());
    assertTrue(stopped.out().contains("rung 0 (300 agent steps): eval_return"), stopped.out());
    Path root = sweepRoot(out);
    List<String> decidedBefore;
    try (SparkSession spark = reader()) {
      decidedBefore = spark.read().parquet(root.resolve("rungs").toString()).collectAsList().stream()
          .map(row -> "trial " + row.getAs("trial_id") + " rung " + row.getAs("rung") + " ").toList();
    }
    assertEquals(2, decidedBefore.size());

    CliRunner.Run again = CliRunner.run(command);
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("ASHA: 2 decisions recorded earlier, replayed"), again.out());
    for (String decided : decidedBefore) {
      assertTrue(again.out().lines().noneMatch(l -> l.contains(decided) && l.endsWith("PAUSE")),
          "not paused again: " + decided + "\n" + again.out());
    }

    try (SparkSession spark = reader()) {
      Dataset<Row> rungs = spark.read().parquet(root.resolve("rungs").toString());
      long decisions = rungs.count();
      assertEquals(decisions, rungs.select("trial_id", "rung").distinct().count(), "one decision per trial and rung");
      assertEquals(decisions, rungs.select("seq").distinct().count());
      assertEquals(4, rungs.filter("rung = 0").count(), "every trial decided at rung 0");
      long promoted = rungs.filter("rung = 0 and decision = 'PROMOTE'").count();
      assertEquals(promoted, rungs.filter("rung = 1 and decision = 'COMPLETE'").count());
      long paused = rungs.filter("decision = 'PAUSE'").count();
      assertEquals(1, promoted, "the top floor(4 / 3) of rung 0: " + rungs.collectAsList());
      assertEquals(3, paused);

      Dataset<Row> trials = spark.read().parquet(root.resolve("trials").toString());
      assertEquals(4, trials.count());
      assertEquals(paused, trials.filter("status = 'PAUSED' and agent_steps = 300").count(),
          trials.collectAsList().toString());
      assertEquals(promoted, trials.filter("status = 'FINISHED' and agent_steps = 600").count());
      Dataset<Row> transitions = spark.read().parquet(root.resolve("transitions").toString());
      for (Row t : trials.collectAsList()) {
        String id = t.getAs("trial_id");
        long steps = t.getAs("agent_steps");
        Dataset<Row> mine = transitions.filter("trial_id = '" + id + "'");
        assertEquals(steps, mine.count(), "one transition per agent step of " + id);
        assertEquals(steps, mine.select("step").distinct().count());
        assertEquals(steps - 1, (long) mine.agg(org.apache.spark.sql.functions.max("step")).first().getLong(0));
      }
      Dataset<Row> episodes = spark.read().parquet(root.resolve("episodes").toString());
      assertEquals(episodes.count(), episodes.select("trial_id", "episode").distinct().count());
      assertEquals(decisions, spark.read().parquet(root.resolve("evals").toString()).count(),
          "one evaluation per rung reached");
    }
    CliRunner.Run done = CliRunner.run(command);
    assertTrue(done.out().contains("every trial is finished"), done.out());

    // the canned analysis: one row per decision, and every paused trial below the top third it faced
    Path result = dir.resolve("survivors");
    CliRunner.Run sql = CliRunner.run("sql", "--sweep", root.toString(), "-f",
        SqlAnalysesTest.SQL.resolve("asha_survivors.sql").toString(), "--format", "parquet", "--out",
        result.toString());
    assertEquals(0, sql.code(), sql.out() + sql.err());
    try (SparkSession spark = reader()) {
      Dataset<Row> survivors = spark.read().parquet(result.toString());
      assertEquals(spark.read().parquet(root.resolve("rungs").toString()).count(), survivors.count());
      assertEquals(4, survivors.filter("rung = 0").first().<Long>getAs("trials_at_rung"));
      Dataset<Row> paused = survivors.filter("decision = 'PAUSE'");
      assertEquals(3, paused.count());
      assertEquals(3, paused.filter("(cutoff is null or metric_value <= cutoff) and trial_status = 'PAUSED'")
          .count(), survivors.collectAsList().toString());
    }
  }

  @Test
  void aPbtSweepCopiesWholeTrialStatesAndSurvivesADriverStopWithEachRowOnce(@TempDir Path dir) throws IOException {
    String population = """
        grid:
          learner.lr: [1.0e-3, 1.0e-4]
        seeds: [1, 2]
        scheduler: {type: pbt, interval_agent_steps: 200, quantile: 0.25, perturb: {learner.lr: [0.8, 1.2]}}
        """;
    List<PlannedTrial> plan = SweepPlanner.plan(SweepSpec.load(spec(dir, "plan", population), List.of()));
    // a member fails once inside its second generation (Spark retries it), and the driver dies in the middle of
    // writing the second generation's decisions (4 members: decisions 5 to 8), so that generation is decided again
    Path spec = spec(dir, "pbt", population + """
        faults:
          - {trial: %s, fail_at_step: 300, times: 1}
          - {stop_driver_after_decisions: 6}
        """.formatted(plan.get(1).trialId()));
    Path out = dir.resolve("out");
    String[] command = {"sweep", spec.toString(), "--output", out.toString(), "--progress-seconds", "1",
        "--tracking-uri", "none"};
    CliRunner.Run stopped = CliRunner.run(command);
    assertEquals(3, stopped.code(), stopped.out() + stopped.err());
    CliRunner.Run again = CliRunner.run(command);
    assertEquals(0, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("PBT: 1 generation(s) decided earlier, replayed"), again.out());
    Path root = sweepRoot(out);

    try (SparkSession spark = reader()) {
      Dataset<Row> lineage = spark.read().parquet(root.resolve("lineage").toString());
      assertEquals(12, lineage.count(), "4 members x 3 generations (at 200, 400, 600)");
      assertEquals(12, lineage.select("trial_id", "generation").distinct().count());
      assertEquals(12, lineage.select("seq").distinct().count());
      List<Row> exploits = lineage.filter("decision = 'EXPLOIT'").collectAsList();
      assertEquals(2, exploits.size(), "one of four at each of the two generations before the last");
      assertEquals(4, lineage.filter("generation = 2 and decision = 'COMPLETE'").count());
      Dataset<Row> transitions = spark.read().parquet(root.resolve("transitions").toString());
      for (Row e : exploits) {
        String member = e.getAs("trial_id");
        String parent = e.getAs("parent");
        double parentLr = Double.parseDouble(lineage.filter("trial_id = '" + parent + "' and generation = "
            + e.getAs("generation")).first().<String>getAs("settings_before").replace("learner.lr=", ""));
        double lr = Double.parseDouble(e.<String>getAs("settings_after").replace("learner.lr=", ""));
        assertTrue(Math.abs(lr - parentLr * 0.8) < 1e-12 || Math.abs(lr - parentLr * 1.2) < 1e-12, e.toString());
        // the member goes on from its parent's whole state: the same env, replay, weights and exploration draws
        long step = e.getAs("agent_steps");
        Row mine = transitions.filter("trial_id = '" + member + "' and step = " + step).first();
        Row theirs = transitions.filter("trial_id = '" + parent + "' and step = " + step).first();
        assertEquals(theirs.<Object>getAs("action"), mine.<Object>getAs("action"), e.toString());
        assertEquals(theirs.<Object>getAs("reward"), mine.<Object>getAs("reward"), e.toString());
        assertEquals(theirs.<Object>getAs("q_taken"), mine.<Object>getAs("q_taken"), e.toString());
      }

      Dataset<Row> trials = spark.read().parquet(root.resolve("trials").toString());
      assertEquals(4, trials.filter("status = 'FINISHED' and agent_steps = 600").count(),
          trials.collectAsList().toString());
      for (Row t : trials.collectAsList()) {
        String id = t.getAs("trial_id");
        String finalLr = lineage.filter("trial_id = '" + id + "' and generation = 2").first()
            .<String>getAs("settings_after").replace("learner.lr=", "");
        assertEquals(Double.parseDouble(finalLr), t.<Double>getAs("learner_lr"), 1e-15, "its last settings");
        Dataset<Row> mine = transitions.filter("trial_id = '" + id + "'");
        assertEquals(600, mine.count(), "one transition per agent step of " + id);
        assertEquals(600, mine.select("step").distinct().count());
        List<Long> games = spark.read().parquet(root.resolve("episodes").toString()).filter("trial_id = '" + id
            + "'").orderBy("episode").select("episode").as(org.apache.spark.sql.Encoders.LONG()).collectAsList();
        for (int i = 0; i < games.size(); i++) {
          assertEquals(i, games.get(i), "its own games 0..n-1, copies included: " + games);
        }
      }
      assertEquals(12, spark.read().parquet(root.resolve("evals").toString()).count(), "one per generation");
    }
    Path result = dir.resolve("lineage-result");
    CliRunner.Run sql = CliRunner.run("sql", "--sweep", root.toString(), "-f",
        SqlAnalysesTest.SQL.resolve("pbt_lineage.sql").toString(), "--format", "parquet", "--out", result.toString());
    assertEquals(0, sql.code(), sql.out() + sql.err());
    try (SparkSession spark = reader()) {
      Dataset<Row> ranked = spark.read().parquet(result.toString());
      assertEquals(12, ranked.count());
      for (Row e : ranked.filter("decision = 'EXPLOIT'").collectAsList()) {
        assertEquals(0, ranked.filter("generation = " + e.getAs("generation") + " and rank > " + e.getAs("rank"))
            .count(), "the last of the generation copies: " + e);
      }
      assertEquals(4, ranked.filter("trial_status = 'FINISHED' and generation = 2").count());
    }
  }

  @Test
  void tooManyTrialsAndAMissingRomAreRefusedBeforeSparkStarts(@TempDir Path dir) throws IOException {
    Path big = spec(dir, "big", "random: {n: 1001, seed: 1, params: {learner.lr: {loguniform: [1.0e-5, 1.0e-2]}}}\n");
    CliRunner.Run r = CliRunner.run("sweep", big.toString(), "--output", dir.resolve("out").toString(),
        "--tracking-uri", "none");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("error: --max-trials: the sweep plans 1001 trials, more than 1000"), r.err());
    assertFalse(r.out().contains("Spark 4"), "Spark never started: " + r.out());

    Path noRom = TinySweeps.write(dir, "norom", "base: pong-smoke\nset: {env.game: no_such_game}\n", "");
    for (String plan : List.of("--plan", "--progress-seconds=1")) {
      CliRunner.Run n = CliRunner.run("sweep", noRom.toString(), plan, "--output", dir.resolve("out").toString(),
          "--tracking-uri", "none");
      assertEquals(2, n.code(), n.out() + n.err());
      assertTrue(n.err().startsWith("error: env.game: No ROM 'no_such_game.bin'"), n.err());
      assertEquals(1, n.err().strip().lines().count(), "one line: " + n.err());
    }
  }

  @Test
  void anUnreachableTrackingServerIsAnErrorBeforeSparkStarts(@TempDir Path dir) throws IOException {
    Path spec = spec(dir, "unreachable", "seeds: [1]\n");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", dir.resolve("out").toString(),
        "--tracking-uri", "http://127.0.0.1:9");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("cannot reach the MLflow tracking server at http://127.0.0.1:9"), r.err());
    assertTrue(r.err().contains("--tracking-uri none"), "names the way out: " + r.err());
    assertFalse(r.out().contains("Spark 4"), "Spark never started: " + r.out());
  }

  @Test
  void aBadSpecIsRefusedBeforeSparkStarts(@TempDir Path dir) throws IOException {
    Path spec = spec(dir, "bad", """
        grid:
          learner.lr: []
        """);
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", dir.resolve("out").toString());
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("grid.learner.lr"), r.err());
    assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    assertFalse(r.out().contains("Spark"), "Spark never started: " + r.out());
  }

  @Test
  void killingTheExecutorIsRefusedInLocalModeWhereItIsTheDriver(@TempDir Path dir) throws IOException {
    Path spec = spec(dir, "kill", "seeds: [1]\n");
    String trial = SweepPlanner.plan(SweepSpec.load(spec, List.of())).get(0).trialId();
    Files.writeString(spec, Files.readString(spec) + "faults:\n  - {trial: " + trial
        + ", fail_at_step: 10, kill_executor: true}\n");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", dir.resolve("out").toString(),
        "--tracking-uri", "none");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("faults") && r.err().contains("kill_executor halts the executor's JVM"), r.err());
    assertFalse(Files.exists(dir.resolve("out")), "nothing written");
  }
}
