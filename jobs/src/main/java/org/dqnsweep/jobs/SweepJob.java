package org.dqnsweep.jobs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.env.Roms;
import org.dqnsweep.jobs.sweep.Fault;
import org.dqnsweep.jobs.sweep.PlannedTrial;
import org.dqnsweep.jobs.sweep.SweepDriver;
import org.dqnsweep.jobs.sweep.SweepPlanner;
import org.dqnsweep.jobs.sweep.SweepSpec;
import org.dqnsweep.jobs.sweep.SweepTracking;
import org.dqnsweep.jobs.sweep.TrialOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The sweep job: one Spark task per trial of a sweep spec, tables and checkpoints under
 * {@code OUTPUT/<sweep_id>/}. Runs by {@code spark-submit --class org.dqnsweep.jobs.SweepJob <spark jar> SPEC
 * --output URI} on a cluster, or as {@code bin/dqn sweep SPEC} in embedded local mode.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Run a hyperparameter sweep: one Spark task per trial (local mode unless spark-submit gives a "
        + "master). Rerunning into the same --output resumes unfinished trials and skips finished ones.",
        "Example: bin/dqn sweep conf/sweeps/quickstart.yaml --plan"})
public final class SweepJob implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "Sweep spec YAML, e.g. conf/sweeps/quickstart.yaml.")
  Path spec;

  @Option(names = "--output", defaultValue = "runs/sweeps",
      description = "Folder or Hadoop URI (file://, hdfs://, s3a://) holding sweeps; this one goes to "
          + "OUTPUT/<sweep_id>/ (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--set", description = "Override a spec setting: key.path=value (repeatable), e.g. seeds=[1].")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--max-trials", defaultValue = "1000", description = "Refuse a sweep that plans more trials than "
      + "this (each gets an MLflow run up front; default: ${DEFAULT-VALUE}).")
  int maxTrials;

  @Option(names = "--plan", description = "Print the trial table and run nothing.")
  boolean plan;

  @Option(names = "--restart", description = "Delete this sweep's earlier output (tables, checkpoints) first.")
  boolean restart;

  @Option(names = "--parallel", description = "Local mode only: trials at once (default: every core, 1 thread "
      + "each).")
  Integer parallel;

  @Option(names = "--tracking-uri", description = "MLflow tracking server (default: MLFLOW_TRACKING_URI; else, in "
      + "local mode, the local server, started if needed; none: no tracking).")
  String trackingUri;

  @Option(names = "--progress-seconds", defaultValue = "5",
      description = "Seconds between live progress lines (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  /** The spark-submit entry point. */
  public static void main(String[] args) {
    System.exit(Cli.execute(new SweepJob(), args));
  }

  /**
   * Every Atari game's ROM, as the driver sees it: a missing or bad ROM is an error before Spark starts where the
   * driver's ROMs are the trials' (local mode); on a cluster, whose executors may hold ROMs the driver lacks, a
   * warning (the trial then fails with the full search list).
   */
  private static void checkRoms(List<PlannedTrial> trials, boolean local) {
    Set<List<String>> games = new LinkedHashSet<>(); // game and ROM folder
    for (PlannedTrial t : trials) {
      if (t.config().env().isAtari()) {
        games.add(java.util.Arrays.asList(t.config().env().game(), t.config().env().romDir()));
      }
    }
    for (List<String> g : games) {
      try {
        Roms.find(g.get(0), g.get(1));
      } catch (Roms.RomNotFoundException e) {
        String problem = e.getMessage().replace("\n  ", " ").replace("\n", " ").replace(". Searched: ", "; searched ");
        if (local) {
          throw new ConfigException("env.game", problem);
        }
        System.out.println("warning: the driver cannot find a ROM the trials need (executors may have it): "
            + problem);
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    if (progressSeconds < 1) {
      throw new ConfigException("--progress-seconds", "must be >= 1, got " + progressSeconds);
    }
    if (parallel != null && parallel < 1) {
      throw new ConfigException("--parallel", "must be >= 1, got " + parallel);
    }
    // everything is validated before Spark starts
    SweepSpec sweep = SweepSpec.load(spec, overrides);
    List<PlannedTrial> trials = SweepPlanner.plan(sweep);
    String sweepId = SweepPlanner.sweepId(sweep);
    boolean local = !SparkConfs.submitted();
    checkRoms(trials, local);
    if (plan) {
      System.out.print(SweepPlanner.planTable(sweep, trials));
      return 0;
    }
    if (trials.size() > maxTrials) {
      throw new ConfigException("--max-trials", "the sweep plans " + trials.size() + " trials, more than "
          + maxTrials + " (each gets an MLflow run and a Spark job): pass --max-trials " + trials.size()
          + " to run them all, or shrink the grid or random.n (--plan lists them)");
    }
    if (!local && parallel != null) {
      throw new ConfigException("--parallel", "only for local mode; on a cluster, executors and spark.task.cpus "
          + "decide how many trials run at once");
    }
    if (local && sweep.faults().stream().anyMatch(Fault::killExecutor)) {
      throw new ConfigException("faults", "kill_executor halts the executor's JVM, which in local mode is the "
          + "driver's: use it with spark-submit on a cluster, or drop it to inject an exception instead");
    }
    int slots = parallel != null ? parallel : Runtime.getRuntime().availableProcessors();
    // local[N, F]: N trials at once, F attempts per task (Spark's default in local mode is 1: no retries)
    SparkConf conf = SparkConfs.of("dqn-sweep " + sweepId, "local[" + slots + ",4]");
    if (conf.getBoolean("spark.speculation", false)) {
      System.out.println("spark.speculation is on: turned off for this sweep (a speculative copy of a trial would "
          + "train it twice into the same folder)");
    }
    conf.set("spark.speculation", "false");
    org.apache.hadoop.conf.Configuration hadoop = SparkConfs.hadoop(conf);
    SweepDriver driver = new SweepDriver(sweep, trials, sweepId, output, hadoop, System.out, progressSeconds);
    List<PlannedTrial> todo = driver.prepare(restart, SweepDriver.planYaml(sweep.name(), sweepId, trials));
    System.out.printf(Locale.ROOT, "sweep %s: %d trials (%d to run) -> %s%n", sweepId, trials.size(), todo.size(),
        driver.root());
    String uri = MlflowUiCommand.trackingUri(trackingUri, local);
    if (todo.isEmpty()) {
      if (uri != null) { // the links still lead to the finished sweep's trials
        SweepTracking.open(uri, sweep, sweepId, driver.root(), trials, false, System.out).close();
      }
      System.out.println("every trial is finished; --restart runs the sweep again from scratch");
      return 0;
    }
    try (SweepTracking tracking = uri == null ? null : SweepTracking.open(uri, sweep, sweepId, driver.root(),
        trials, restart, System.out);
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      System.out.printf(Locale.ROOT, "Spark %s, master %s, application %s%s%n", spark.version(), sc.master(),
          sc.sc().applicationId(), sc.sc().uiWebUrl().isDefined() ? ", UI " + sc.sc().uiWebUrl().get() : "");
      if (tracking != null) {
        tracking.sparkApplication(sc.sc().applicationId());
      }
      Map<String, TrialOutcome> outcomes;
      try {
        outcomes = driver.run(sc, todo, tracking);
      } catch (SweepDriver.Stopped stop) {
        System.out.println("sweep " + sweepId + " stopped: " + stop.getMessage() + "; the same command continues it");
        return 3;
      }
      long finished = outcomes.values().stream().filter(o -> o.status() != TrialOutcome.Status.FAILED).count();
      long paused = outcomes.values().stream().filter(o -> o.status() == TrialOutcome.Status.PAUSED).count();
      System.out.printf(Locale.ROOT, "sweep %s: %d finished%s, %d failed in this run; tables under %s%n", sweepId,
          finished - paused, paused == 0 ? "" : ", " + paused + " paused", outcomes.size() - finished,
          driver.root());
      boolean anyFinished = finished > 0 || todo.size() < trials.size();
      return anyFinished ? 0 : 1;
    }
  }
}
