package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dqnsweep.io.Tables;
import org.dqnsweep.jobs.bench.SyntheticSweep;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Each canned analysis in conf/sql run by bin/dqn sql on one tiny Pong sweep (2 epsilon schedules x 2 seeds, 1,700
 * agent steps: two games each, learning from step 1,500) and checked against the raw tables.
 */
class SqlAnalysesTest {
  static final Path SQL = Path.of(System.getProperty("dqn.home", "..")).resolve("conf/sql");
  @TempDir static Path dir;
  static String sweep;
  static SparkSession spark;
  static int results;

  @BeforeAll
  static void sweep() throws IOException {
    Path spec = dir.resolve("analyses.yaml");
    Files.writeString(spec, """
        name: analyses
        base: pong-smoke
        grid:
          exploration:
            - {schedule: exponential, end: 0.01, decay_agent_steps: 300}
            - {schedule: linear, end: 0.1, decay_agent_steps: 1000}
        seeds: [1, 2]
        transitions: {frames: none}
        """);
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", dir.resolve("out").toString(),
        "--tracking-uri", "none", "--set", "base.trainer.max_agent_steps=1700", "--set",
        "base.learner.learn_start_agent_steps=1500", "--set", "base.trainer.eval_every_agent_steps=850", "--set",
        "base.trainer.checkpoint_every_agent_steps=850");
    assertEquals(0, r.code(), r.out() + r.err());
    try (Stream<Path> s = Files.list(dir.resolve("out"))) {
      sweep = s.findFirst().orElseThrow().toString();
    }
    spark = SparkSession.builder().master("local[2]").appName("sql-analyses").config("spark.ui.enabled", "false")
        .getOrCreate();
    for (String t : List.of("trials", "episodes", "evals", "transitions")) {
      spark.read().parquet(sweep + "/" + t).createOrReplaceTempView("raw_" + t);
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Runs conf/sql/{name}.sql through bin/dqn sql and reads its result back (written as Parquet). */
  private static Dataset<Row> run(String name, String sweepDir) {
    String out = dir.resolve("result-" + (results++)).toString();
    CliRunner.Run r = CliRunner.run("sql", "--sweep", sweepDir, "-f", SQL.resolve(name + ".sql").toString(),
        "--format", "parquet", "--out", out);
    assertEquals(0, r.code(), r.out() + r.err());
    return spark.read().parquet(out);
  }

  private static long one(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  @Test
  void learningCurve() {
    Dataset<Row> curve = run("learning_curve", sweep);
    assertEquals(List.of("sweep_id", "trial_id", "params", "seed", "episode", "end_step", "raw_return", "return_ma10",
        "games_in_average"), List.of(curve.columns()));
    assertEquals(one("SELECT count(*) FROM raw_episodes"), curve.count());
    assertTrue(curve.count() >= 4, "a finished game per trial at least");
    assertEquals(0, curve.filter("games_in_average <> least(episode + 1, 10) OR raw_return NOT BETWEEN -21 AND 21"
        + " OR return_ma10 NOT BETWEEN -21 AND 21").count());
  }

  @Test
  void hyperparameterComparison() {
    Dataset<Row> cmp = run("hyperparameter_comparison", sweep);
    assertEquals(2, cmp.count(), "one row per epsilon schedule");
    assertEquals(2, cmp.filter("seeds = 2 AND learner_lr = 1.0e-4 AND learner_target_sync_every_updates = 25").count());
    // the tables agree with what each trial recorded about itself
    Row mine = cmp.agg(org.apache.spark.sql.functions.sum("best_eval_mean"),
        org.apache.spark.sql.functions.sum("final_eval_mean")).first();
    Row theirs = spark.sql("SELECT sum(best_eval_return) / 2, sum(final_eval_return) / 2 FROM raw_trials").first();
    assertEquals(theirs.getDouble(0), mine.getDouble(0), 1e-9);
    assertEquals(theirs.getDouble(1), mine.getDouble(1), 1e-9);
    assertEquals(0, cmp.filter("best_eval_mean < final_eval_mean OR best_eval_std IS NULL").count());
  }

  @Test
  void actionDistribution() {
    Dataset<Row> actions = run("action_distribution", sweep);
    assertEquals(4 * 1700, actions.agg(org.apache.spark.sql.functions.sum("steps")).first().getLong(0));
    actions.createOrReplaceTempView("actions");
    assertEquals(12, one("SELECT count(DISTINCT trial_id, phase) FROM actions"), "3 phases x 4 trials");
    assertEquals(0, one("SELECT count(*) FROM (SELECT sum(share) AS s FROM actions GROUP BY trial_id, phase) "
        + "WHERE abs(s - 1) > 1e-9"));
    assertEquals(0, one("SELECT count(*) FROM actions WHERE action NOT BETWEEN 0 AND 5 OR phase_mean_epsilon > 1"));
    assertEquals(0, one("SELECT count(*) FROM (SELECT trial_id, max_by(phase_mean_epsilon, phase = 'early') AS e0, "
        + "max_by(phase_mean_epsilon, phase = 'late') AS e2 FROM actions GROUP BY trial_id) WHERE e2 >= e0"),
        "epsilon falls");
  }

  @Test
  void pointsPerEpisode() {
    Dataset<Row> points = run("points_per_episode", sweep);
    assertEquals(one("SELECT count(DISTINCT trial_id, episode) FROM raw_transitions"), points.count());
    points.createOrReplaceTempView("points");
    assertEquals(one("SELECT count(*) FROM raw_episodes"), one("SELECT count(*) FROM points WHERE finished"));
    assertEquals(0, one("SELECT count(*) FROM points WHERE finished AND greatest(points_won, points_lost) <> 21"),
        "a Pong game ends at 21");
    assertEquals(0, one("SELECT count(*) FROM points WHERE rallies <> points_won + points_lost "
        + "OR mean_rally_steps * rallies > steps + 1e-9 OR min_rally_steps < 1"));
    assertEquals(one("SELECT count(*) FROM raw_transitions WHERE raw_reward <> 0"),
        one("SELECT sum(rallies) FROM points"));
  }

  @Test
  void epsilonVsReturn() {
    Dataset<Row> bands = run("epsilon_vs_return", sweep);
    assertEquals(one("SELECT count(*) FROM raw_episodes"), bands.agg(org.apache.spark.sql.functions.sum("games"))
        .first().getLong(0));
    assertEquals(0, bands.filter("epsilon_band_low NOT IN (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9) "
        + "OR abs(epsilon_band_high - epsilon_band_low - 0.1) > 1e-9 OR mean_return NOT BETWEEN -21 AND 21").count());
  }

  @Test
  void qOverestimationMatchesTheReturnComputedStepByStep() {
    Dataset<Row> q = run("q_overestimation", sweep);
    assertEquals(4, q.count());
    checkAgainstRecurrence(q, 0.99, sweep);
  }

  @Test
  void qOverestimationStaysExactInGamesLongerThanItsSegments() {
    // gamma 0.9: segments of 263 steps, games of about 1,500: every game spans several
    String synthetic = dir.resolve("synthetic").toString();
    SyntheticSweep.write(spark, synthetic, 20_000, 1, 0.9);
    StructType written = spark.read().parquet(synthetic + "/transitions").schema();
    for (StructField f : new ParquetToSparkSchemaConverter(SQLConf.get()).convert(Tables.TRANSITIONS).fields()) {
      assertEquals(f.dataType(), written.apply(f.name()).dataType(), "a real sweep's type: " + f.name());
    }
    checkAgainstRecurrence(run("q_overestimation", synthetic), 0.9, synthetic);
  }

  /** Compares each trial's mean realized return with G_t = r_t + gamma G_t+1, computed backwards over each game. */
  private static void checkAgainstRecurrence(Dataset<Row> q, double gamma, String sweepDir) {
    Dataset<Row> tx = spark.read().parquet(sweepDir + "/transitions");
    Dataset<Row> finished = spark.read().parquet(sweepDir + "/episodes").select("trial_id", "episode");
    List<Row> rows = tx.join(finished, CollectionConverters.asScala(List.of("trial_id", "episode")).toSeq())
        .select("trial_id", "episode", "step", "reward", "q_taken").orderBy("trial_id", "episode", "step")
        .collectAsList();
    for (Row trial : q.collectAsList()) {
      String id = trial.getAs("trial_id");
      List<Row> mine = rows.stream().filter(r -> r.getString(0).equals(id)).toList();
      double g = 0;
      double sum = 0;
      long greedy = 0;
      for (int i = mine.size() - 1; i >= 0; i--) {
        Row r = mine.get(i);
        boolean lastOfGame = i == mine.size() - 1 || mine.get(i + 1).getLong(1) != r.getLong(1);
        g = r.getDouble(3) + (lastOfGame ? 0 : gamma * g);
        if (!r.isNullAt(4)) {
          sum += g;
          greedy++;
        }
      }
      assertEquals(greedy, (long) trial.getAs("greedy_steps"), id);
      assertEquals(sum / greedy, trial.<Double>getAs("mean_realized_return"), 1e-9, id);
      assertTrue(sum / greedy < 0 && sum / greedy > -1 / (1 - gamma), "Pong-like: points lost more than won");
    }
  }
}
