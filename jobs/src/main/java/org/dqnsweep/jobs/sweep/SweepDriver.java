package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.storage.HadoopStorage;

/**
 * The driver side of a sweep: prepares {@code OUTPUT/<sweep_id>/}, submits one Spark job of one task per
 * unfinished trial (separate jobs, so a trial that fails for good does not abort the others), prints live progress
 * while they run, and records each trial's row in the {@code trials} table as it ends.
 */
public final class SweepDriver {
  private final SweepSpec spec;
  private final List<PlannedTrial> trials;
  private final String sweepId;
  private final Path root;
  private final Configuration conf;
  private final PrintStream out;
  private final long progressMillis;

  /**
   * @param output the folder (any Hadoop URI) holding sweeps; this one goes to {@code output/<sweep_id>}
   * @param progressSeconds how often the live progress is printed (and trials report it)
   */
  public SweepDriver(SweepSpec spec, List<PlannedTrial> trials, String sweepId, String output,
      Configuration conf, PrintStream out, int progressSeconds) {
    this.spec = spec;
    this.trials = trials;
    this.sweepId = sweepId;
    this.root = new Path(new Path(output), sweepId);
    this.conf = conf;
    this.out = out;
    this.progressMillis = progressSeconds * 1000L;
  }

  /** {@code output/<sweep_id>} as a qualified URI. */
  public String root() throws IOException {
    return root.getFileSystem(conf).makeQualified(root).toString();
  }

  /**
   * Checks the output before Spark starts: writable, and either new, or this same sweep (then finished trials are
   * skipped), or wiped first with {@code restart}. Returns the trials still to run.
   */
  public List<PlannedTrial> prepare(boolean restart, String planYaml) throws IOException {
    FileSystem fs;
    try {
      fs = root.getFileSystem(conf);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("--output", "cannot open " + root + ": " + e.getMessage()
          + "; give a folder or a Hadoop URI that this machine can reach (file://, hdfs://, s3a://)");
    }
    HadoopStorage sweep = new HadoopStorage(root, conf);
    if (restart && fs.exists(root)) {
      out.println("--restart: deleting " + root() + " (every table, checkpoint and trial row of this sweep)");
      fs.delete(root, true);
    }
    if (sweep.exists("plan.yaml")) {
      String before = new String(sweep.open("plan.yaml").readAllBytes(), StandardCharsets.UTF_8);
      if (!before.equals(planYaml)) {
        throw new ConfigException("--output", root() + "/plan.yaml holds another plan for sweep " + sweepId
            + " (written by another version of this tool?): use --restart to start this sweep over, or another "
            + "--output");
      }
    } else {
      try {
        sweep.writeAtomically("spec.yaml", o -> o.write(spec.canonicalYaml().getBytes(StandardCharsets.UTF_8)));
        sweep.writeAtomically("plan.yaml", o -> o.write(planYaml.getBytes(StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new ConfigException("--output", "cannot write under " + root() + ": " + e.getMessage());
      }
    }
    sweep.delete(TrialProgress.DIR); // reports of an earlier run would look like running trials
    Map<String, TrialsTable.Row> done = TrialsTable.read(conf, root);
    List<PlannedTrial> todo = new ArrayList<>();
    int finished = 0;
    for (PlannedTrial t : trials) {
      if (done.containsKey(t.trialId()) && done.get(t.trialId()).finished()) {
        finished++;
      } else {
        todo.add(t);
      }
    }
    if (!done.isEmpty()) {
      out.printf(Locale.ROOT, "resuming sweep %s: %d of %d trials finished earlier and are skipped; unfinished "
          + "ones resume from their last checkpoint (--restart starts over)%n", sweepId, finished, trials.size());
    }
    return todo;
  }

  /**
   * Runs the trials, each as its own Spark jobs (one, or one per ASHA rung it reaches); returns the outcomes of this
   * run by trial id.
   *
   * @param tracking the sweep's MLflow runs, or null without tracking
   */
  public Map<String, TrialOutcome> run(JavaSparkContext sc, List<PlannedTrial> todo, SweepTracking tracking)
      throws IOException, InterruptedException {
    SchedulerSettings settings = spec.scheduler().orElse(null);
    Schedule schedule = settings instanceof AshaSettings a
        ? new AshaSchedule(a, conf, root, sweepId, out, tracking, spec.stopDriverAfterDecisions())
        : settings instanceof PbtSettings p
            ? new PbtSchedule(p, trials, conf, root, sweepId, out, tracking, spec.stopDriverAfterDecisions())
            : Schedule.WHOLE;
    // trials report twice per progress line, so each line shows fresh figures
    TrialTask task = new TrialTask(root(), spec.transitions().framesEvery(), spec.faults(), progressMillis / 2,
        tracking == null ? null : tracking.trackingUri(), tracking == null ? Map.of() : tracking.childRunIds());
    int slots = schedule.inFlight(Math.max(1, sc.defaultParallelism() / sc.getConf().getInt("spark.task.cpus", 1)));
    Deque<TrialJob> queue = new ArrayDeque<>(schedule.start(todo));
    Map<String, TrialJob> jobs = new LinkedHashMap<>();
    Map<String, JavaFutureAction<List<TrialOutcome>>> running = new LinkedHashMap<>();
    HadoopStorage sweep = new HadoopStorage(root, conf);
    Map<String, TrialOutcome> outcomes = new LinkedHashMap<>();
    long start = System.currentTimeMillis();
    long nextReport = start + progressMillis;
    while (!running.isEmpty() || !queue.isEmpty()) {
      while (!queue.isEmpty() && running.size() < slots) {
        TrialJob j = queue.pollFirst();
        sc.setJobGroup("trial-" + j.trialId(), "trial " + j.trialId() + " " + TrialsTable.paramsText(
            j.trial().params()) + (j.scheduled() ? " " + j.stage() + " " + j.index() : ""), true);
        running.put(j.trialId(), sc.parallelize(List.of(j), 1).map(task).collectAsync());
        jobs.put(j.trialId(), j);
      }
      sc.clearJobGroup();
      Thread.sleep(200);
      for (var it = running.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().isDone()) {
          continue;
        }
        it.remove();
        TrialJob job = jobs.get(e.getKey());
        TrialOutcome o = outcome(e.getKey(), e.getValue());
        Schedule.Next next;
        try {
          next = schedule.next(job, o);
        } catch (Stopped stop) {
          sc.cancelAllJobs();
          throw stop;
        }
        for (int i = next.jobs().size() - 1; i >= 0; i--) {
          queue.addFirst(next.jobs().get(i)); // a trial going on goes before trials that have not started
        }
        for (TrialOutcome ended : next.ended()) {
          end(ended, jobs.get(ended.trialId()), sweep, outcomes, tracking);
        }
      }
      if (running.isEmpty() && queue.isEmpty()) {
        for (TrialOutcome ended : schedule.finish()) {
          end(ended, jobs.get(ended.trialId()), sweep, outcomes, tracking);
        }
      }
      long now = System.currentTimeMillis();
      if (now >= nextReport && !running.isEmpty()) {
        nextReport = now + progressMillis;
        report(sweep, running.keySet(), todo.size(), outcomes, now - start);
      }
    }
    if (tracking != null) {
      Map<String, TrialsTable.Row> rows = TrialsTable.read(conf, root);
      List<RungsTable.Row> rungs = RungsTable.read(conf, root);
      List<LineageTable.Row> lineage = LineageTable.read(conf, root);
      tolerate(out, root, () -> tracking.sweepEnded(rows, rungs, lineage), "summarize the sweep run");
    }
    return outcomes;
  }

  /** Records how a trial ended: its trials row, its console line, and its MLflow run's end if its task left it. */
  private void end(TrialOutcome ended, TrialJob last, HadoopStorage sweep, Map<String, TrialOutcome> outcomes,
      SweepTracking tracking) throws IOException {
    TrialsTable.write(conf, root, sweepId, last.trial(), last.config(), ended);
    sweep.delete(TrialProgress.DIR + "/" + ended.trialId() + ".json");
    outcomes.put(ended.trialId(), ended);
    out.println(ended(ended, last.trial()));
    if (tracking != null && (ended.attempt() < 0 || (ended.result() != null && !last.endsRun()))) {
      tolerate(out, root, () -> tracking.trialEnded(ended), "record trial " + ended.trialId() + " as "
          + ended.status());
    }
  }

  /**
   * The driver stopped mid-sweep (an injected fault standing for a killed driver): its running jobs are cancelled
   * and the same command continues the sweep from its tables.
   */
  public static final class Stopped extends RuntimeException {
    Stopped(String message) {
      super(message);
    }
  }

  /** A tracking call that must not end the sweep: the tables hold everything, mlflow-sync can redo it. */
  static void tolerate(PrintStream out, Path root, Runnable call, String what) {
    try {
      call.run();
    } catch (RuntimeException e) {
      out.println("MLflow: could not " + what + " (" + e.getMessage() + "); bin/dqn mlflow-sync " + root
          + " will");
    }
  }

  private static TrialOutcome outcome(String trialId, JavaFutureAction<List<TrialOutcome>> f)
      throws InterruptedException {
    try {
      return f.get().get(0);
    } catch (ExecutionException e) {
      return TrialOutcome.failed(trialId, reason(e.getCause() == null ? e : e.getCause()));
    }
  }

  /** Spark's "Job aborted ... most recent failure: ..." message, down to the task's own exception line. */
  static String reason(Throwable e) {
    String msg = String.valueOf(e.getMessage());
    int cause = msg.lastIndexOf("): ");
    String line = (cause >= 0 ? msg.substring(cause + 3) : msg).lines().findFirst().orElse(msg).trim();
    Matcher attempts = TASK_FAILED.matcher(msg.lines().findFirst().orElse(""));
    return (attempts.find() ? attempts.group() + ": " : "") + line;
  }

  private static final Pattern TASK_FAILED = Pattern.compile("Task \\S+ in stage \\S+ failed \\d+ times");

  private String ended(TrialOutcome o, PlannedTrial t) {
    if (o.result() == null) {
      return String.format(Locale.ROOT, "trial %s FAILED (%s): %s", o.trialId(), describe(t), o.error());
    }
    var r = o.result();
    return String.format(Locale.ROOT, "trial %s %s (%s): %,d agent steps, final eval %s, best eval %s, "
            + "mean10 %s, %.0f s on %s%s", o.trialId(), o.status(), describe(t),
        r.agentSteps(), number(r.finalEvalReturn()), number(r.bestEvalReturn()), number(r.mean10()),
        r.wallSeconds(), o.device(), o.error().isEmpty() ? "" : ": " + o.error());
  }

  private static String describe(PlannedTrial t) {
    String params = TrialsTable.paramsText(t.params());
    return params.isEmpty() ? "seed " + t.seed() : params + ", seed " + t.seed();
  }

  /** A return for the console: "-" when there is none yet. */
  private static String number(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private void report(HadoopStorage sweep, Iterable<String> running, int total, Map<String, TrialOutcome> outcomes,
      long elapsedMillis) throws IOException {
    Map<String, TrialProgress> progress = TrialProgress.readAll(sweep);
    long failed = outcomes.values().stream().filter(o -> o.status() == TrialOutcome.Status.FAILED).count();
    long paused = outcomes.values().stream().filter(o -> o.status() == TrialOutcome.Status.PAUSED).count();
    StringBuilder b = new StringBuilder();
    int active = 0;
    for (String id : running) {
      TrialProgress p = progress.get(id);
      if (p != null) {
        active++;
        b.append(String.format(Locale.ROOT, "%n  %s  step %,d/%,d  mean10 %s  %s steps/s", id, p.step(),
            p.maxSteps(), number(p.mean10()), p.stepsPerSecond() > 0
                ? String.format(Locale.ROOT, "%,.0f", p.stepsPerSecond()) : "-"));
      }
    }
    out.printf(Locale.ROOT, "[%s %s] %d/%d done, %d running, %d failed,%s %d queued%s%n", sweepId,
        duration(elapsedMillis / 1000), outcomes.size() - failed, total, active, failed,
        spec.scheduler().orElse(null) instanceof AshaSettings ? " " + paused + " paused," : "", total - outcomes.size() - active, b);
  }

  private static String duration(long s) {
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  /** The resolved plan as YAML: every trial's id, seed, swept params and full config. */
  public static String planYaml(String name, String sweepId, List<PlannedTrial> trials) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (PlannedTrial t : trials) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("trial_id", t.trialId());
      row.put("seed", t.seed());
      row.put("params", t.params());
      row.put("config", Yaml.parse(t.configYaml(), t.trialId()));
      rows.add(row);
    }
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("name", name);
    plan.put("sweep_id", sweepId);
    plan.put("trials", rows);
    return Yaml.write(plan);
  }
}
