package org.dqnsweep.jobs.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a synthetic sweep folder (trials, episodes, transitions as Parquet, partitioned by trial_id) with Pong-like
 * data: games of geometric length (mean 1,500 agent steps, some past 5,000), a point every 40 steps on average (+1
 * one time in three, else -1), epsilon falling from 1 to 0.01, Q values for greedy steps. Deterministic.
 */
public final class SyntheticSweep {
  private SyntheticSweep() {}

  /** Writes {@code transitions} rows over {@code trials} trials into {@code dir}, with discount {@code gamma}. */
  public static void write(SparkSession spark, String dir, long transitions, int trials, double gamma) {
    long perTrial = transitions / trials;
    Dataset<Row> steps = spark.sql(String.format(java.util.Locale.ROOT, """
        SELECT
          printf('t-synth%%03d', CAST(id DIV %1$d AS INT)) AS trial_id,
          id %% %1$d AS step,
          pmod(hash(id, 1), 1500) = 0 AS done,
          CAST(pmod(hash(id, 2), 6) AS INT) AS action,
          CASE WHEN pmod(hash(id, 3), 40) <> 0 THEN 0D WHEN pmod(hash(id, 4), 3) = 0 THEN 1D ELSE -1D END
            AS raw_reward,
          GREATEST(0.01D, 1D - (id %% %1$d) / 100000D) AS epsilon,
          pmod(hash(id, 5), 1000) / 1000D AS u,
          pmod(hash(id, 6), 2000) / 1000D - 1D AS q
        FROM range(%2$d)
        """, perTrial, perTrial * trials));
    steps.createOrReplaceTempView("synth_steps");
    Dataset<Row> tx = spark.sql("""
        SELECT step,
          -- games are numbered by the dones before them
          COALESCE(SUM(CAST(done AS INT)) OVER (PARTITION BY trial_id ORDER BY step
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS episode,
          action, raw_reward AS reward, raw_reward, done, epsilon,
          IF(u < epsilon, NULL, q) AS q_taken,
          CAST(NULL AS BINARY) AS frame, trial_id
        FROM synth_steps
        """);
    tx.write().partitionBy("trial_id").parquet(dir + "/transitions");
    Dataset<Row> read = spark.read().parquet(dir + "/transitions");
    read.createOrReplaceTempView("synth_transitions");
    // the last game of each trial is cut off by the step budget: like a real trial, no episodes row for it
    spark.sql("""
        WITH games AS (
          SELECT episode, MAX(step) + 1 AS end_step, SUM(raw_reward) AS raw_return, SUM(reward) AS clipped_return,
            COUNT(*) AS length, MIN(epsilon) AS epsilon, 4 * COUNT(*) AS emulator_frames,
            COUNT(*) / 300D AS wall_seconds, 0D AS mean10_return, trial_id,
            MAX(episode) OVER (PARTITION BY trial_id) AS last_game
          FROM synth_transitions
          GROUP BY trial_id, episode
        )
        SELECT * EXCEPT (last_game) FROM games WHERE episode < last_game
        """).write().partitionBy("trial_id").parquet(dir + "/episodes");
    spark.sql(String.format(java.util.Locale.ROOT, """
        SELECT DISTINCT 'synthetic' AS sweep_id, 'FINISHED' AS status, 'synthetic' AS params, 1L AS seed,
          CAST(%s AS DOUBLE) AS learner_gamma, trial_id
        FROM synth_transitions
        """, gamma)).write().partitionBy("trial_id").parquet(dir + "/trials");
  }
}
