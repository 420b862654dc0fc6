package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/dqn sql over one tiny CartPole sweep (2 trials x 600 steps): views, globs, read-only rule, formats, errors. */
class SqlJobTest {
  @TempDir static Path dir;
  static Path sweeps;
  static String sweep;
  static SparkSession spark;

  @BeforeAll
  static void sweep() throws IOException {
    Path spec = TinySweeps.write(dir, "sqljob", TinySweeps.cartPoleBase(600, 300, 0), """
        grid:
          learner.lr: [1.0e-3, 3.0e-4]
        seeds: [1]
        """);
    sweeps = dir.resolve("out");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", sweeps.toString(), "--tracking-uri", "none");
    assertEquals(0, r.code(), r.out() + r.err());
    try (Stream<Path> s = Files.list(sweeps)) {
      sweep = s.findFirst().orElseThrow().toString();
    }
    // every sql run borrows this session (a new session each: its own views) instead of starting Spark again
    spark = SparkSession.builder().master("local[2]").appName("sql-test").config("spark.ui.enabled", "false")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static CliRunner.Run sql(String... args) {
    String[] all = Stream.concat(Stream.of("sql"), Stream.of(args)).toArray(String[]::new);
    return CliRunner.run(all);
  }

  private static CliRunner.Run ok(String... args) {
    CliRunner.Run r = sql(args);
    assertEquals(0, r.code(), r.out() + r.err());
    return r;
  }

  private static CliRunner.Run refused(String expected, String... args) {
    CliRunner.Run r = sql(args);
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    return r;
  }

  private static Path copy(String name) throws IOException {
    Path to = dir.resolve("copies").resolve(name);
    Files.createDirectories(to.getParent());
    try (Stream<Path> all = Files.walk(Path.of(sweep))) {
      for (Path p : all.sorted().toList()) {
        Files.copy(p, to.resolve(Path.of(sweep).relativize(p).toString()));
      }
    }
    return to;
  }

  @Test
  void everyTableIsAViewWithSweepAndTrialIds() {
    CliRunner.Run r = ok("--sweep", sweep, "--format", "csv", "-e",
        "SELECT (SELECT count(*) FROM transitions), (SELECT count(DISTINCT trial_id) FROM trials),"
            + " (SELECT count(*) FROM evals), (SELECT min(sweep_id) FROM episodes),"
            + " (SELECT count(*) FROM train_metrics)");
    String sweepId = Path.of(sweep).getFileName().toString();
    assertEquals("1200,2,2," + sweepId + ",12", r.out().strip().lines().reduce((a, b) -> b).orElseThrow(), r.out());
    CliRunner.Run tables = ok("--sweep", sweep, "--format", "csv", "-e", "SHOW TABLES");
    for (String view : List.of("trials", "episodes", "train_metrics", "evals", "transitions", "rungs")) {
      assertTrue(tables.out().contains("," + view + ",true"), tables.out());
    }
  }

  @Test
  void aMissingTableIsAnEmptyViewWithItsColumns() throws IOException {
    Path copy = copy("no-evals");
    deleteTree(copy.resolve("evals"));
    CliRunner.Run empty = ok("--sweep", copy.toString(), "--format", "csv", "-e",
        "SELECT count(*), count(mean_return), count(trial_id) FROM evals");
    assertTrue(empty.out().contains("0,0,0"), empty.out());
  }

  @Test
  void severalSweepsAtOnce() throws IOException {
    Path copies = dir.resolve("two");
    Files.createDirectories(copies);
    Files.move(copy("a-sweep"), copies.resolve("a-sweep"));
    Files.move(copy("b-sweep"), copies.resolve("b-sweep"));
    Files.createDirectories(copies.resolve("not-a-sweep"));
    CliRunner.Run r = ok("--sweeps", copies + "/*", "--format", "csv", "-e",
        "SELECT t.sweep_id, count(*) FROM transitions x JOIN trials t USING (sweep_id, trial_id)"
            + " GROUP BY 1 ORDER BY 1");
    assertEquals(List.of("sweep_id,count(1)", "a-sweep,1200", "b-sweep,1200"), r.out().strip().lines().toList());
  }

  @Test
  void onlyQueriesRun() {
    refused("a command (DropTable)", "--sweep", sweep, "-e", "DROP TABLE trials");
    refused("a command (InsertIntoStatement)", "--sweep", sweep, "-e", "INSERT INTO trials SELECT * FROM trials");
    refused("a command", "--sweep", sweep, "-e", "CREATE TABLE x AS SELECT 1");
    refused("a command", "--sweep", sweep, "-e", "SET spark.sql.shuffle.partitions=1");
    refused("a command", "--sweep", sweep, "-e", "CACHE TABLE trials");
    refused("reflect", "--sweep", sweep, "-e", "SELECT reflect('java.lang.System', 'getenv', 'HOME')");
    // a later command refuses the whole file before the first statement runs
    CliRunner.Run r = refused("statement 2 of 2 is a command", "--sweep", sweep, "-e",
        "SELECT 1; ALTER VIEW trials AS SELECT 1");
    assertFalse(r.out().contains("1 row"), r.out());
    assertTrue(ok("--sweep", sweep, "-e", "EXPLAIN SELECT count(*) FROM trials").out().contains("Physical Plan"));
    assertTrue(ok("--sweep", sweep, "-e", "DESCRIBE transitions").out().contains("q_taken"));
  }

  @Test
  void tableCsvAndParquet() throws IOException {
    String q = "SELECT trial_id, learner_lr, agent_steps FROM trials ORDER BY learner_lr";
    CliRunner.Run table = ok("--sweep", sweep, "-e", q);
    assertTrue(table.out().contains("| trial_id     | learner_lr | agent_steps |"), table.out());
    assertTrue(table.out().contains("|     3.0E-4 |         600 |"), table.out());
    assertTrue(table.out().strip().endsWith("2 rows"), table.out());
    CliRunner.Run limited = ok("--sweep", sweep, "--limit", "1", "-e", q);
    assertTrue(limited.out().contains("only the first 1 rows are shown"), limited.out());

    Path file = dir.resolve("two.sql");
    Files.writeString(file, "-- a comment; with a semicolon\nSELECT 'a;b' AS s;\n\n" + q + ";\n");
    CliRunner.Run csv = ok("--sweep", sweep, "--format", "csv", "-f", file.toString());
    List<String> lines = csv.out().strip().lines().toList();
    assertEquals(List.of("-- statement 1 of 2", "s", "a;b", "", "-- statement 2 of 2",
        "trial_id,learner_lr,agent_steps"), lines.subList(0, 6));
    assertTrue(lines.get(6).endsWith(",3.0E-4,600"), csv.out());

    Path out = dir.resolve("result.parquet");
    ok("--sweep", sweep, "--format", "parquet", "--out", out.toString(), "-e", q);
    assertEquals(2, spark.read().parquet(out.toString()).count());
    refused("exists; nothing is overwritten", "--sweep", sweep, "--format", "parquet", "--out", out.toString(),
        "-e", q);
    assertEquals(2, spark.read().parquet(out.toString()).count());
    refused("needs --out", "--sweep", sweep, "--format", "parquet", "-e", q);

    Path csvFile = dir.resolve("result.csv");
    ok("--sweep", sweep, "--format", "csv", "--out", csvFile.toString(), "-e", q);
    assertEquals(3, Files.readAllLines(csvFile).size(), "header and 2 rows");
    assertFalse(Files.exists(dir.resolve(".result.csv.crc")));
    refused("exists", "--sweep", sweep, "--format", "csv", "--out", csvFile.toString(), "-e", q);
  }

  @Test
  void benchSqlPrintsItsFigures() {
    CliRunner.Run r = CliRunner.run("bench", "sql", "--rows", "20000", "--trials", "2", "--runs", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("rows=20000\n"), r.out());
    assertTrue(r.out().matches("(?s).*\nseconds=[0-9.]+\nrows_per_s=[0-9.]+\n.*"), r.out());
  }

  @Test
  void clearErrors() throws IOException {
    refused("no such folder", "--sweep", dir.resolve("nope").toString(), "-e", "SELECT 1");
    refused("not a sweep's output", "--sweep", dir.toString(), "-e", "SELECT 1");
    refused("matches no sweep folder", "--sweeps", dir + "/nothing*", "-e", "SELECT 1");
    refused("give exactly one", "--sweep", sweep, "-e", "SELECT 1", "-f", "x.sql");
    refused("give exactly one", "--sweep", sweep);
    refused("give exactly one: --sweep", "-e", "SELECT 1");
    refused("PARSE_SYNTAX_ERROR", "--sweep", sweep, "-e", "SELEC * FROM trials");
    refused("TABLE_OR_VIEW_NOT_FOUND", "--sweep", sweep, "-e", "SELECT * FROM trial");
    refused("no SQL statement", "--sweep", sweep, "-e", "-- nothing");
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
