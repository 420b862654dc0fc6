package org.dqnsweep.jobs.sql;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.io.Tables;
import org.dqnsweep.jobs.sweep.LineageTable;
import org.dqnsweep.jobs.sweep.RungsTable;

/**
 * The temp views {@code trials}, {@code episodes}, {@code train_metrics}, {@code evals}, {@code transitions} and
 * {@code rungs} (ASHA's decisions) and {@code lineage} (PBT's; each empty without that scheduler) over one or several sweeps' Parquet tables ({@code <sweep>/<table>/trial_id=<id>/part-*.parquet}).
 */
public final class SweepViews {
  public static final List<String> TABLES = List.of("trials", "episodes", "train_metrics", "evals", "transitions",
      "rungs", "lineage");

  /** The per-trial tables' fixed schemas; trials has none (its columns are the resolved config's settings). */
  private static final Map<String, MessageType> SCHEMAS = Map.of("episodes", Tables.EPISODES, "train_metrics",
      Tables.TRAIN_METRICS, "evals", Tables.EVALS, "transitions", Tables.TRANSITIONS, "rungs", RungsTable.SCHEMA, "lineage", LineageTable.SCHEMA);

  private SweepViews() {}

  /** The sweep folder {@code dir}, checked: it exists and holds a trials table. */
  public static List<Path> one(String dir, Configuration hadoop) throws IOException {
    Path p = new Path(dir);
    FileSystem fs = p.getFileSystem(hadoop);
    if (!fs.exists(p)) {
      throw new ConfigException("--sweep", "no such folder: " + dir + " (a sweep's output is OUTPUT/<sweep_id>/, "
          + "e.g. runs/sweeps/quickstart-1a2b3c4d; --sweeps 'runs/sweeps/*' reads several)");
    }
    if (!hasTable(fs, p, "trials")) {
      throw new ConfigException("--sweep", dir + " is not a sweep's output: it has no trials table "
          + "(trials/trial_id=*/part-*.parquet); pass OUTPUT/<sweep_id>, the folder bin/dqn sweep printed");
    }
    return List.of(fs.makeQualified(p));
  }

  /** The sweep folders matching {@code glob} that hold a trials table (others, e.g. empty folders, are skipped). */
  public static List<Path> glob(String glob, Configuration hadoop) throws IOException {
    Path pattern = new Path(glob);
    FileSystem fs = pattern.getFileSystem(hadoop);
    FileStatus[] matches = fs.globStatus(pattern);
    List<Path> sweeps = new ArrayList<>();
    for (FileStatus s : matches == null ? new FileStatus[0] : matches) {
      if (s.isDirectory() && hasTable(fs, s.getPath(), "trials")) {
        sweeps.add(s.getPath());
      }
    }
    if (sweeps.isEmpty()) {
      throw new ConfigException("--sweeps", "'" + glob + "' matches no sweep folder (one holding "
          + "trials/trial_id=*/part-*.parquet); quote the glob so the shell leaves it alone, e.g. "
          + "--sweeps 'runs/sweeps/*'");
    }
    sweeps.sort(null);
    return sweeps;
  }

  /**
   * Registers the views over {@code sweeps}. Every view starts with a {@code sweep_id} column, the sweep
   * folder's name, so that one query works over one sweep or several (a trial's id is a hash of its config: the same
   * trial may be in two sweeps, so joins go by sweep_id and trial_id). A table no trial has written yet (e.g. evals
   * before the first evaluation) is an empty view with its usual columns, so queries over it still run.
   */
  public static void register(SparkSession spark, List<Path> sweeps) throws IOException {
    for (String table : TABLES) {
      Dataset<Row> all = null;
      for (Path sweep : sweeps) {
        Dataset<Row> df = withSweepId(read(spark, sweep, table), sweep.getName());
        all = all == null ? df : all.unionByName(df, true);
      }
      all.createOrReplaceTempView(table);
    }
  }

  private static Dataset<Row> read(SparkSession spark, Path sweep, String table) throws IOException {
    FileSystem fs = sweep.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (hasTable(fs, sweep, table)) {
      // trials: a sweep's trials share their settings, but merging costs little on one row per trial and keeps
      // older parts readable if a setting was added later
      return spark.read().option("mergeSchema", table.equals("trials")).parquet(new Path(sweep, table).toString());
    }
    MessageType parquet = SCHEMAS.get(table);
    if (parquet == null) {
      throw new ConfigException("--sweep", sweep + " has no trials table");
    }
    StructType schema = new ParquetToSparkSchemaConverter(SQLConf.get()).convert(parquet)
        .add("trial_id", DataTypes.StringType);
    return spark.createDataFrame(List.of(), schema);
  }

  private static Dataset<Row> withSweepId(Dataset<Row> df, String sweepId) {
    // trials already has a sweep_id column (the same id): the folder's name replaces it, first like everywhere
    List<Column> cols = new ArrayList<>(List.of(functions.lit(sweepId).as("sweep_id")));
    Arrays.stream(df.columns()).filter(c -> !c.equals("sweep_id")).forEach(c -> cols.add(df.col(c)));
    return df.select(cols.toArray(Column[]::new));
  }

  private static boolean hasTable(FileSystem fs, Path sweep, String table) throws IOException {
    FileStatus[] parts = fs.globStatus(new Path(sweep, table + "/trial_id=*/part-*.parquet"));
    return parts != null && parts.length > 0;
  }
}
