package org.dqnsweep.jobs.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.dqnsweep.jobs.sql.ReadOnlySql;
import org.dqnsweep.jobs.sql.SweepViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dqn bench sql}: transitions per second through the Q-overestimation analysis (conf/sql/q_overestimation.sql)
 * on a synthetic sweep, local mode. The table is written to Parquet first, untimed; each timed run reads it and
 * computes every row of the result (Spark's noop sink).
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Rows per second of the q_overestimation query over a synthetic transitions table (Parquet).")
public final class SqlBench implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "1000000", description = "Transitions (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--trials", defaultValue = "4", description = "Trials they are split over (default: "
      + "${DEFAULT-VALUE}).")
  int trials;

  @Option(names = "--runs", defaultValue = "3", description = "Timed runs after one warm-up; the median is "
      + "reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--query", description = "The SQL file (default: conf/sql/q_overestimation.sql).")
  Path query;

  @Override
  public Integer call() throws Exception {
    Path file = query != null ? query
        : Path.of(System.getProperty("dqn.home", ".")).resolve("conf/sql/q_overestimation.sql");
    List<String> statements = ReadOnlySql.split(Files.readString(file));
    String sql = statements.get(statements.size() - 1);
    Path dir = Files.createTempDirectory("dqn-bench-sql");
    // a session already running in this JVM (a test's) is borrowed, as bin/dqn sql does
    SparkSession running = SparkSession.getDefaultSession().getOrElse(() -> null);
    SparkSession spark = running != null ? running.newSession() : SparkSession.builder().master("local[*]")
        .appName("dqn-bench-sql").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.ui.enabled", "false").getOrCreate();
    try {
      Path sweep = dir.resolve("synthetic");
      SyntheticSweep.write(spark, sweep.toString(), rows, trials, 0.99);
      SweepViews.register(spark, SweepViews.one(sweep.toString(), spark.sparkContext().hadoopConfiguration()));
      ReadOnlySql.check(spark, sql, "the benchmark query");
      long actual = spark.table("transitions").count();
      double[] seconds = new double[runs];
      for (int r = -1; r < runs; r++) {
        long t0 = System.nanoTime();
        spark.sql(sql).write().format("noop").mode("overwrite").save();
        if (r >= 0) {
          seconds[r] = (System.nanoTime() - t0) / 1e9;
        }
      }
      double median = Figures.median(seconds);
      Figures f = new Figures(System.out);
      f.print("rows", actual);
      f.print("seconds", median);
      f.print("rows_per_s", actual / median);
      System.out.printf(Locale.ROOT, "%s over %,d synthetic transitions (%d trials): median of %d runs %.2f s, "
          + "Spark %s, %d cores%n", file.getFileName(), actual, trials, runs, median, spark.version(),
          Runtime.getRuntime().availableProcessors());
      return 0;
    } finally {
      if (running == null) {
        spark.close();
      }
      TrainBench.deleteTree(dir);
    }
  }
}
