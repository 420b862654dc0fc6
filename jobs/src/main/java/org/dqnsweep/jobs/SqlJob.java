package org.dqnsweep.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.jobs.sql.ReadOnlySql;
import org.dqnsweep.jobs.sql.ResultPrinter;
import org.dqnsweep.jobs.sql.SweepViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Read-only SQL over sweeps' tables: temp views {@code trials}, {@code episodes}, {@code train_metrics},
 * {@code evals}, {@code transitions}. Runs as {@code bin/dqn sql} (local mode) or by {@code spark-submit --class
 * org.dqnsweep.jobs.SqlJob <spark jar> ...}.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run read-only SQL (queries only) over a sweep's tables, as views trials, episodes, "
        + "train_metrics, evals, transitions (sweep_id and trial_id in each).",
        "Example: bin/dqn sql --sweep runs/sweeps/quickstart-1a2b3c4d -f conf/sql/learning_curve.sql"})
public final class SqlJob implements Callable<Integer> {
  enum Format { table, csv, parquet }

  @Option(names = "--sweep", paramLabel = "DIR", description = "A sweep's output folder, OUTPUT/<sweep_id>.")
  String sweep;

  @Option(names = "--sweeps", paramLabel = "GLOB", description = "Several sweeps, e.g. 'runs/sweeps/*' (quoted); "
      + "every view has a sweep_id column, the folder's name.")
  String sweeps;

  @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "The SQL to run.")
  String execute;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A .sql file; several statements separated "
      + "by ; are each checked before any runs, and each result is printed in turn.")
  java.nio.file.Path file;

  @Option(names = "--format", defaultValue = "table", description = "table (aligned, up to --limit rows), csv "
      + "(every row) or parquet (needs --out) (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--out", paramLabel = "PATH", description = "Write there instead of printing; never overwrites "
      + "(Hadoop URIs too).")
  String out;

  @Option(names = "--limit", defaultValue = "100", description = "Rows --format table shows (default: "
      + "${DEFAULT-VALUE}).")
  int limit;

  /** The spark-submit entry point. */
  public static void main(String[] args) {
    System.exit(Cli.execute(new SqlJob(), args));
  }

  @Override
  public Integer call() throws Exception {
    // every argument is checked before Spark starts
    List<String> statements = statements();
    if (limit < 1) {
      throw new ConfigException("--limit", "must be >= 1, got " + limit);
    }
    if (format == Format.parquet && out == null) {
      throw new ConfigException("--format parquet", "needs --out PATH, the folder to write the result to");
    }
    if (format == Format.parquet && statements.size() > 1) {
      throw new ConfigException("--format parquet", "writes one result, but the SQL holds " + statements.size()
          + " statements; keep only the one to write");
    }
    SparkConf conf = SparkConfs.of("dqn-sql", "local[*]");
    Configuration hadoop = SparkConfs.hadoop(conf);
    List<Path> roots = sweepRoots(hadoop);
    if (out != null && new Path(out).getFileSystem(hadoop).exists(new Path(out))) {
      throw new ConfigException("--out", out + " exists; nothing is overwritten: remove it or pick another path");
    }
    // a session already running in this JVM (a test's, a notebook's) is borrowed, with views of our own
    SparkSession running = SparkSession.getDefaultSession().getOrElse(() -> null);
    SparkSession spark = running != null ? running.newSession() : SparkSession.builder().config(conf)
        .getOrCreate();
    try {
      SweepViews.register(spark, roots);
      run(spark, statements, hadoop);
      return 0;
    } finally {
      if (running == null) {
        spark.close();
      }
    }
  }

  private List<String> statements() throws IOException {
    if ((execute == null) == (file == null)) {
      throw new ConfigException("-e/-f", "give exactly one: -e \"SELECT ...\" or -f FILE.sql");
    }
    String sql = execute;
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("-f", "no such file: " + file);
      }
      sql = Files.readString(file);
    }
    List<String> statements = ReadOnlySql.split(sql);
    if (statements.isEmpty()) {
      throw new ConfigException(file != null ? "-f" : "-e", "no SQL statement in it (only blanks or comments)");
    }
    return statements;
  }

  private List<Path> sweepRoots(Configuration hadoop) throws IOException {
    if ((sweep == null) == (sweeps == null)) {
      throw new ConfigException("--sweep/--sweeps", "give exactly one: --sweep OUTPUT/<sweep_id> or --sweeps "
          + "'OUTPUT/*'");
    }
    return sweep != null ? SweepViews.one(sweep, hadoop) : SweepViews.glob(sweeps, hadoop);
  }

  private void run(SparkSession spark, List<String> statements, Configuration hadoop) throws Exception {
    int n = statements.size();
    List<LogicalPlan> plans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      plans.add(ReadOnlySql.check(spark, statements.get(i), label(i, n)));
    }
    // analysed (unknown tables and columns found) before any result is printed
    List<Dataset<Row>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try {
        results.add(spark.sql(statements.get(i)));
      } catch (Exception e) {
        if (!(e instanceof AnalysisException)) {
          throw e; // AnalysisException is checked, but Scala does not declare it
        }
        String why = ((AnalysisException) e).getSimpleMessage();
        throw new ConfigException("sql", label(i, n) + ": " + why + "\n(the views: " + String.join(", ",
            SweepViews.TABLES) + "; DESCRIBE <view> lists a view's columns)");
      }
    }
    if (format == Format.parquet) {
      results.get(0).write().parquet(out);
      System.out.println("wrote " + out);
      return;
    }
    try (PrintStream target = out == null ? null : textFile(out, hadoop)) {
      PrintStream print = target != null ? target : System.out;
      for (int i = 0; i < n; i++) {
        if (n > 1) {
          print.println((i == 0 ? "" : "\n") + "-- " + label(i, n));
        }
        if (format == Format.csv) {
          ResultPrinter.csv(results.get(i), print);
        } else if (plans.get(i) instanceof ExplainCommand) {
          print.println(results.get(i).first().getString(0)); // the plan, a multi-line text
        } else {
          ResultPrinter.table(results.get(i), limit, print);
        }
      }
    }
  }

  /** A new text file at {@code path}; on the local disk without Hadoop's .crc file beside it. */
  private static PrintStream textFile(String path, Configuration hadoop) throws IOException {
    FileSystem fs = new Path(path).getFileSystem(hadoop);
    if (fs instanceof LocalFileSystem local) {
      fs = local.getRawFileSystem();
    }
    return new PrintStream(fs.create(new Path(path), false), true, StandardCharsets.UTF_8);
  }

  private static String label(int i, int n) {
    return n == 1 ? "the statement" : "statement " + (i + 1) + " of " + n;
  }
}
