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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring stored Pong transitions inside Spark reproduces the Q-values the agent computed when it acted. */
class ScoreJobTest {
  @Test
  void scoredQValuesEqualThoseSeenAtActTime(@TempDir Path dir) throws IOException {
    // no learning (learn_start beyond the budget): the policy that acted is the one in the checkpoint, so every
    // greedy action's stored Q-values must come back from the frames stacked by index
    Path spec = dir.resolve("score.yaml");
    Files.writeString(spec, """
        name: score
        base: pong-smoke
        seeds: [1]
        transitions: {frames: all}
        """);
    Path out = dir.resolve("out");
    CliRunner.Run sweep = CliRunner.run("sweep", spec.toString(), "--output", out.toString(), "--tracking-uri",
        "none", "--set", "base.learner.learn_start_agent_steps=100000", "--set", "base.trainer.max_agent_steps=500");
    assertEquals(0, sweep.code(), sweep.out() + sweep.err());
    Path root;
    try (Stream<Path> s = Files.list(out)) {
      root = s.findFirst().orElseThrow();
    }
    Path checkpoints;
    try (Stream<Path> s = Files.list(root.resolve("checkpoints"))) {
      checkpoints = s.findFirst().orElseThrow();
    }
    Path scored = dir.resolve("scored");
    CliRunner.Run r = CliRunner.run("score", "--checkpoint", checkpoints.toString(), "--sweep", root.toString(),
        "--out", scored.toString(), "--batch", "64");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("scored 500 transitions"), r.out());

    try (SparkSession spark = SparkSession.builder().master("local[1]").appName("check")
        .config("spark.ui.enabled", "false").getOrCreate()) {
      Dataset<Row> q = spark.read().parquet(scored.toString());
      Dataset<Row> t = spark.read().parquet(root.resolve("transitions").toString()).filter("q_taken is not null");
      List<Row> joined = t.join(q, "step").select(t.col("step"), t.col("action"), t.col("q_taken"), t.col("q_taken"),
          q.col("q_action"), q.col("q_max").as("scored_max"), q.col("greedy_action")).collectAsList();
      assertTrue(joined.size() > 100, "greedy actions to compare: " + joined.size());
      for (Row row : joined) {
        String at = "step " + row.getLong(0);
        assertEquals(row.getDouble(2), row.getDouble(4), 1e-4 * (1 + Math.abs(row.getDouble(2))), at);
        // a greedy action's Q is the state's largest: the scored maximum equals it too
        assertEquals(row.getDouble(3), row.getDouble(5), 1e-4 * (1 + Math.abs(row.getDouble(3))), at);
        assertEquals(row.getInt(1), row.getInt(6), at + ": the greedy action is the one taken");
      }
      assertEquals(500, q.count());
      assertEquals(6, q.first().<scala.collection.Seq<Float>>getAs("q_values").size(), "Pong's 6 actions");
    }
    CliRunner.Run again = CliRunner.run("score", "--checkpoint", checkpoints.toString(), "--sweep",
        root.toString(), "--out", scored.toString());
    assertEquals(2, again.code(), "an existing --out is refused");
    assertTrue(again.err().contains("exists"), again.err());
  }
}
