package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.track.MlflowArtifacts;
import org.dqnsweep.track.MlflowLinks;
import org.dqnsweep.track.MlflowAuth;
import org.dqnsweep.track.MlflowRuns;
import org.dqnsweep.track.MetricPoint;
import org.mlflow.api.proto.Service.RunInfo;

/**
 * The driver's side of MLflow tracking: the experiment (named after the sweep), the parent run (the spec as params
 * and as an artifact; tags sweep_id, git commit, Spark application id; at the end the best trial and summary
 * metrics) and one child run per trial (every setting of its resolved config as a param; tags trial_id, seed,
 * sweep_id, mlflow.parentRunId), all created before any task starts and found again on reruns, so a retried task
 * or a rerun sweep never makes a second run.
 */
public final class SweepTracking implements AutoCloseable {
  private final MlflowAuth auth;
  private final MlflowRuns runs;
  private final String sweepId;
  private final String experimentId;
  private final String parentRunId;
  private final Map<String, String> childRunIds = new HashMap<>();

  private SweepTracking(MlflowAuth auth, MlflowRuns runs, String sweepId, String experimentId, String parentRunId) {
    this.auth = auth;
    this.runs = runs;
    this.sweepId = sweepId;
    this.experimentId = experimentId;
    this.parentRunId = parentRunId;
  }

  /**
   * Connects and sets up the experiment, the parent run and every trial's child run; fails with a clear error
   * (before any Spark work) when the server cannot be reached.
   */
  public static SweepTracking open(String trackingUri, SweepSpec spec, String sweepId, String output,
      List<PlannedTrial> trials, boolean restart, PrintStream out) {
    return open(trackingUri, spec.name(), sweepId, output, trials, parentParams(spec),
        spec.canonicalYaml().getBytes(StandardCharsets.UTF_8), restart, out);
  }

  /**
   * The same from what a sweep's output folder holds (for {@code mlflow-sync}).
   *
   * @param parentParams params of the parent run, if it has to be created
   * @param specYaml the spec artifact of the parent run, if it has to be created
   * @param output the sweep's output folder, qualified ({@code OUTPUT/<sweep_id>})
   * @param restart delete the sweep's earlier runs first (the sweep starts over)
   */
  static SweepTracking open(String trackingUri, String name, String sweepId, String output,
      List<PlannedTrial> trials, Map<String, String> parentParams, byte[] specYaml, boolean restart,
      PrintStream out) {
    MlflowAuth auth = MlflowAuth.fromEnv(trackingUri);
    MlflowRuns runs = new MlflowRuns(auth);
    String experimentId;
    try {
      experimentId = runs.experiment(name);
    } catch (RuntimeException e) {
      runs.close();
      throw new ConfigException("--tracking-uri", "cannot reach the MLflow tracking server at " + trackingUri + " ("
          + e.getMessage() + "): start it (bin/dqn mlflow-ui start), fix MLFLOW_TRACKING_URI, or pass "
          + "--tracking-uri none to run without tracking (bin/dqn mlflow-sync can log the sweep later)");
    }
    // the same sweep written to another output folder is another set of runs (its tables are another run's)
    Map<String, String> identity = Map.of("sweep_id", sweepId, "kind", "sweep", "output", output);
    MlflowRuns.Found parent = runs.findOrCreate(experimentId, sweepId, identity);
    if (restart && !parent.created()) {
      runs.children(experimentId, parent.runId()).values().forEach(r -> runs.delete(r.getRunId()));
      runs.delete(parent.runId());
      out.println("--restart: deleted the sweep's earlier MLflow runs (in MLflow's trash until garbage-collected)");
      parent = runs.findOrCreate(experimentId, sweepId, identity);
    }
    SweepTracking t = new SweepTracking(auth, runs, sweepId, experimentId, parent.runId());
    if (parent.created()) {
      t.describeParent(parentParams, specYaml, parent.info());
    }
    t.ensureChildren(trials);
    out.printf(Locale.ROOT, "MLflow: experiment '%s' (id %s), sweep run %s at %s%n", name, experimentId,
        parent.runId(), trackingUri);
    // a saved view per sweep: the links open on its trials, columns and charts, with no clicks
    runs.experimentTag(experimentId, MlflowLinks.viewTag(sweepId), MlflowLinks.view("sweep " + sweepId,
        parent.runId(), trials.isEmpty() ? List.of() : List.copyOf(trials.get(0).params().keySet())));
    out.printf(Locale.ROOT, "  the trials: %s%n", MlflowLinks.runs(trackingUri, experimentId, sweepId));
    out.printf(Locale.ROOT, "  their returns over agent steps: %s%n",
        MlflowLinks.charts(trackingUri, experimentId, sweepId));
    out.printf(Locale.ROOT, "  compare them (parallel coordinates): %s%n", MlflowLinks.compare(trackingUri,
        experimentId, trials.stream().map(tr -> t.childRunIds.get(tr.trialId())).toList()));
    return t;
  }

  private static Map<String, String> parentParams(SweepSpec spec) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("sweep.name", spec.name());
    params.put("sweep.base", spec.baseName());
    params.put("sweep.seeds", spec.seeds().toString());
    spec.grid().forEach((k, v) -> params.put("grid." + k, v.toString()));
    spec.random().ifPresent(r -> {
      params.put("random.n", Integer.toString(r.n()));
      params.put("random.seed", Long.toString(r.seed()));
      r.params().forEach((k, d) -> params.put("random." + k, d.toSpec().toString()));
    });
    spec.scheduler().ifPresent(s -> {
      params.put("scheduler.metric", Configs.word(s.metric()));
      params.put("scheduler.mode", Configs.word(s.mode()));
    });
    if (spec.scheduler().orElse(null) instanceof AshaSettings a) {
      params.put("scheduler.type", "asha");
      params.put("scheduler.rungs", a.rungs().toString());
      params.put("scheduler.reduction_factor", Double.toString(a.reductionFactor()));
    } else if (spec.scheduler().orElse(null) instanceof PbtSettings p) {
      params.put("scheduler.type", "pbt");
      params.put("scheduler.generations", p.generations().toString());
      params.put("scheduler.quantile", Double.toString(p.quantile()));
      params.put("scheduler.perturb", p.perturb().toString());
      p.resample().forEach((k, d) -> params.put("scheduler.resample." + k, d.toSpec().toString()));
      params.put("scheduler.resample_probability", Double.toString(p.resampleProbability()));
    }
    return params;
  }

  private void describeParent(Map<String, String> params, byte[] specYaml, RunInfo parent) {
    runs.logParams(parent.getRunId(), params);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.source.git.commit", GitCommit.head());
    runs.setTags(parent.getRunId(), tags);
    try {
      new MlflowArtifacts(auth).upload(parent.getArtifactUri(), "spec.yaml", specYaml);
    } catch (IOException e) {
      throw new ConfigException("--tracking-uri", "cannot upload to the MLflow artifact proxy ("
          + e.getMessage() + "): start the server with --serve-artifacts (scripts/mlflow-server does)");
    }
  }

  /** Child runs for every trial (found or created), with their params and identity tags. */
  void ensureChildren(List<PlannedTrial> trials) {
    Map<String, RunInfo> existing = runs.children(experimentId, parentRunId);
    for (PlannedTrial t : trials) {
      RunInfo run = existing.get(t.trialId());
      if (run == null) {
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("mlflow.parentRunId", parentRunId);
        identity.put("sweep_id", sweepId);
        identity.put("trial_id", t.trialId());
        identity.put("seed", Long.toString(t.seed()));
        identity.put("kind", "trial");
        run = runs.findOrCreate(experimentId, t.trialId(), identity).info();
        Map<String, String> params = new LinkedHashMap<>();
        Configs.flatten(Configs.toMap(t.config())).forEach((k, v) -> params.put(k, String.valueOf(v)));
        runs.logParams(run.getRunId(), params);
      }
      childRunIds.put(t.trialId(), run.getRunId());
    }
  }

  MlflowRuns runs() {
    return runs;
  }

  String parentRunId() {
    return parentRunId;
  }

  public String trackingUri() {
    return auth.trackingUri();
  }

  /** Child run ids by trial id, for the tasks. */
  public Map<String, String> childRunIds() {
    return new HashMap<>(childRunIds);
  }

  public void sparkApplication(String applicationId) {
    runs.setTags(parentRunId, Map.of("spark_application_id", applicationId));
  }

  /**
   * Ends a trial's run from the driver: one that failed for good (its task could not end the run itself), or one
   * the scheduler ended between rungs (PAUSED, or FINISHED at its return target).
   */
  public void trialEnded(TrialOutcome o) {
    String runId = childRunIds.get(o.trialId());
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("status", o.status().name());
    if (!o.error().isEmpty()) {
      tags.put("error", truncate(o.error()));
    }
    runs.setTags(runId, tags);
    runs.finish(runId, o.status() != TrialOutcome.Status.FAILED);
  }

  /** A rung's decision on the trial's run: the rung and its cutoff as metrics over agent steps, and tags. */
  void rungDecided(RungsTable.Row r) {
    String runId = childRunIds.get(r.trialId());
    long now = System.currentTimeMillis();
    List<MetricPoint> points = new java.util.ArrayList<>(List.of(
        new MetricPoint("rung", r.rung(), r.agentSteps(), now)));
    if (!Double.isNaN(r.cutoff())) {
      points.add(new MetricPoint("rung_cutoff", r.cutoff(), r.agentSteps(), now));
    }
    runs.logMetrics(runId, points);
    runs.setTags(runId, Map.of("rung", Integer.toString(r.rung()), "rung_decision", r.decision().name()));
  }

  /**
   * A generation's decision on a member's run: each setting PBT changes as a metric at the generation's end (its
   * value for the next generation, so the UI plots the member's schedule), and tags: the generation, the decision
   * and, for an exploit, the member copied.
   */
  void generationDecided(LineageTable.Row r, List<String> keys) {
    String runId = childRunIds.get(r.trialId());
    long now = System.currentTimeMillis();
    List<MetricPoint> points = new java.util.ArrayList<>(List.of(
        new MetricPoint("generation", r.generation(), r.agentSteps(), now)));
    for (String k : keys) {
      try {
        points.add(new MetricPoint("pbt." + k, Double.parseDouble(r.after().get(k)), r.agentSteps(), now));
      } catch (NumberFormatException | NullPointerException e) {
        // a resampled choice of words: in the lineage table and the tags only
      }
    }
    runs.logMetrics(runId, points);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("generation", Integer.toString(r.generation()));
    tags.put("pbt_decision", r.decision().name());
    if (!r.parent().isEmpty()) {
      tags.put("pbt_parent", r.parent());
      tags.put("pbt_settings", LineageTable.text(r.after()));
    }
    runs.setTags(runId, tags);
  }

  /**
   * The parent's summary and its end: the best trial by best evaluation return among those that trained to the
   * end (FINISHED), trial counts, and with a scheduler the trials left paused at each rung and the agent steps spent.
   */
  public void sweepEnded(Map<String, TrialsTable.Row> all, List<RungsTable.Row> decisions,
      List<LineageTable.Row> lineage) {
    TrialsTable.Row best = null;
    int finished = 0;
    int failed = 0;
    for (TrialsTable.Row r : all.values()) {
      if (r.status().equals(TrialOutcome.Status.FINISHED.name())) {
        finished++;
        if (!Double.isNaN(r.bestEvalReturn()) && (best == null || r.bestEvalReturn() > best.bestEvalReturn())) {
          best = r;
        }
      } else if (r.status().equals(TrialOutcome.Status.FAILED.name())) {
        failed++;
      }
    }
    long now = System.currentTimeMillis();
    List<MetricPoint> summary = new java.util.ArrayList<>(List.of(
        new MetricPoint("finished_trials", finished, 0, now),
        new MetricPoint("failed_trials", failed, 0, now)));
    if (!decisions.isEmpty()) {
      Map<Integer, Integer> paused = new java.util.TreeMap<>();
      Map<String, Long> reached = new HashMap<>();
      for (RungsTable.Row d : decisions) {
        paused.merge(d.rung(), d.decision() == Asha.Decision.PAUSE ? 1 : 0, Integer::sum);
        reached.merge(d.trialId(), d.agentSteps(), Math::max);
      }
      paused.forEach((rung, n) -> summary.add(new MetricPoint("paused_at_rung_" + rung, n, 0, now)));
      summary.add(new MetricPoint("paused_trials", paused.values().stream().mapToInt(Integer::intValue).sum(), 0,
          now));
      summary.add(new MetricPoint("agent_steps_spent", reached.values().stream().mapToLong(Long::longValue).sum(),
          0, now));
    }
    if (!lineage.isEmpty()) {
      Map<Integer, Integer> exploits = new java.util.TreeMap<>();
      lineage.forEach(r -> exploits.merge(r.generation(), r.decision() == Pbt.Decision.EXPLOIT ? 1 : 0,
          Integer::sum));
      exploits.forEach((g, n) -> summary.add(new MetricPoint("exploits", n, g, now)));
    }
    Map<String, String> tags = new LinkedHashMap<>();
    if (best != null) {
      summary.add(new MetricPoint("best_eval_return", best.bestEvalReturn(), 0, now));
      tags.put("best_trial_id", best.trialId());
      tags.put("best_trial_run_id", childRunIds.getOrDefault(best.trialId(), ""));
      tags.put("best_trial_params", best.params());
    }
    runs.logMetrics(parentRunId, summary);
    runs.setTags(parentRunId, tags);
    runs.finish(parentRunId, finished > 0);
  }

  private static String truncate(String s) {
    return s.length() > 5000 ? s.substring(0, 5000) : s;
  }

  @Override
  public void close() {
    runs.close();
  }
}
