package org.dqnsweep.jobs;

import static org.apache.spark.sql.functions.col;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.storage.HadoopStorage;
import org.dqnsweep.jobs.score.PartitionScorer;
import org.dqnsweep.train.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scoring job: Q-values of a trial's stored transitions under a checkpoint's policy, computed inside Spark
 * partitions (the policy loaded once per partition, states stacked from stored frames) and written as Parquet.
 * Runs by {@code spark-submit --class org.dqnsweep.jobs.ScoreJob <spark jar> ...} or {@code bin/dqn score}.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Q-values of a trial's stored transitions under a checkpoint, as Parquet (episode, step, action, "
        + "q_values, q_max, q_action, greedy_action). The sweep must store frames (transitions.frames: all).",
        "Example: bin/dqn score --checkpoint runs/sweeps/S/checkpoints/t-1 --sweep runs/sweeps/S --out /tmp/q"})
public final class ScoreJob implements Callable<Integer> {
  private static final Pattern TRIAL_IN_PATH = Pattern.compile(".*/checkpoints/(t-[0-9a-f]+)(/.*)?$");

  @Option(names = "--checkpoint", required = true, description = "A checkpoint (ckpt-*.bin), a model.bin, or a "
      + "trial's checkpoint folder (its latest is used); any Hadoop URI.")
  String checkpoint;

  @Option(names = "--sweep", required = true, description = "The sweep's folder, OUTPUT/<sweep_id>.")
  String sweep;

  @Option(names = "--trial", description = "Whose transitions to score (default: from the checkpoint's path, "
      + ".../checkpoints/<trial_id>/...).")
  String trial;

  @Option(names = "--out", required = true, description = "Where the Parquet goes; must not exist.")
  String out;

  @Option(names = "--batch", defaultValue = "256", description = "States per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  /** The spark-submit entry point. */
  public static void main(String[] args) {
    System.exit(Cli.execute(new ScoreJob(), args));
  }

  @Override
  public Integer call() throws Exception {
    if (batch < 1) {
      throw new ConfigException("--batch", "must be >= 1, got " + batch);
    }
    SparkConf conf = SparkConfs.of("dqn-score", "local[*]");
    Configuration hadoop = SparkConfs.hadoop(conf);
    String model = resolveCheckpoint(hadoop);
    String trialId = trial != null ? trial : trialFromPath(model);
    Path transitions = new Path(new Path(sweep, "transitions"), "trial_id=" + trialId);
    if (!transitions.getFileSystem(hadoop).exists(transitions)) {
      throw new ConfigException("--sweep", "no transitions of trial " + trialId + " under " + sweep
          + ": give the sweep folder the checkpoint belongs to (or --trial)");
    }
    Path target = new Path(out);
    if (target.getFileSystem(hadoop).exists(target)) {
      throw new ConfigException("--out", out + " exists; choose another path (nothing is overwritten)");
    }
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      Dataset<Row> rows = spark.read().parquet(new Path(sweep, "transitions").toString())
          .filter(col("trial_id").equalTo(trialId))
          .select("episode", "step", "action", "done", "frame");
      long missing = rows.filter(col("frame").isNull()).count();
      if (missing > 0) {
        throw new ConfigException("--sweep", missing + " transitions of " + trialId + " have no frame: scoring "
            + "stacks the stored frames, so run the sweep with transitions: {frames: all}");
      }
      // a game's transitions in one partition, in step order: the scorer stacks them by index
      JavaRDD<Row> scored = rows.repartition(col("episode")).sortWithinPartitions("episode", "step")
          .javaRDD().mapPartitions(new PartitionScorer(model, batch));
      StructType schema = new StructType()
          .add("episode", DataTypes.LongType, false)
          .add("step", DataTypes.LongType, false)
          .add("action", DataTypes.IntegerType, false)
          .add("q_values", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          .add("q_max", DataTypes.DoubleType, false)
          .add("q_action", DataTypes.DoubleType, false)
          .add("greedy_action", DataTypes.IntegerType, false);
      long t0 = System.nanoTime();
      spark.createDataFrame(scored, schema).write().option("compression", "zstd").parquet(out);
      long n = spark.read().parquet(out).count();
      System.out.printf(Locale.ROOT, "scored %,d transitions of %s with %s in %.1f s -> %s%n", n, trialId, model,
          (System.nanoTime() - t0) / 1e9, out);
    }
    return 0;
  }

  private String resolveCheckpoint(Configuration hadoop) throws java.io.IOException {
    Path p = new Path(checkpoint);
    FileSystem fs = p.getFileSystem(hadoop);
    if (!fs.exists(p)) {
      throw new ConfigException("--checkpoint", checkpoint + " does not exist");
    }
    if (fs.getFileStatus(p).isFile()) {
      return fs.makeQualified(p).toString();
    }
    String latest = new Checkpoints(new HadoopStorage(p, hadoop), 1).latest().orElseThrow(
        () -> new ConfigException("--checkpoint", checkpoint + " holds no checkpoint (ckpt-*.bin)"));
    return fs.makeQualified(new Path(p, latest)).toString();
  }

  private static String trialFromPath(String model) {
    Matcher m = TRIAL_IN_PATH.matcher(model);
    if (!m.matches()) {
      throw new ConfigException("--trial", "cannot tell the trial from " + model + " (not under "
          + ".../checkpoints/<trial_id>/): give --trial");
    }
    return m.group(1);
  }
}
