package org.dqnsweep.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.storage.HadoopStorage;
import org.dqnsweep.io.ParquetTable;
import org.dqnsweep.io.Tables;
import org.dqnsweep.track.MetricPoint;
import org.dqnsweep.track.MlflowArtifacts;
import org.dqnsweep.track.MlflowAuth;
import org.dqnsweep.track.TrialTracker;
import org.dqnsweep.train.Checkpoints;
import org.dqnsweep.train.PolicyFile;
import org.dqnsweep.util.Torch;
import org.dqnsweep.track.MlflowRuns;
import org.dqnsweep.track.TrackingListener;
import org.dqnsweep.train.TrialListener;
import org.mlflow.api.proto.Service.RunStatus;

/**
 * Makes MLflow hold everything a sweep's tables hold: the experiment, the parent and child runs (created if
 * missing), every metric point (the rows replayed through the same {@link TrackingListener} the trials use,
 * skipping (key, step) pairs the run has), each finished trial's artifacts (rebuilt from its tables and its last
 * checkpoint) and each finished or failed trial's end status. Running it twice adds
 * nothing; after an outage it adds exactly what was lost.
 */
public final class MlflowSync {
  private final Configuration conf;
  private final Path root;
  private final PrintStream out;
  private MlflowAuth auth;

  public MlflowSync(Configuration conf, Path sweepRoot, PrintStream out) {
    this.conf = conf;
    this.root = sweepRoot;
    this.out = out;
  }

  /** Returns the number of metric points added. */
  public long run(String trackingUri) throws IOException {
    auth = MlflowAuth.fromEnv(trackingUri);
    HadoopStorage sweep = new HadoopStorage(root, conf);
    if (!sweep.exists("plan.yaml")) {
      throw new ConfigException("SWEEP", root + " holds no plan.yaml: give a sweep's folder, OUTPUT/<sweep_id>");
    }
    JsonNode plan = Yaml.parse(read(sweep, "plan.yaml"), sweep.describe("plan.yaml"));
    String name = plan.path("name").asText();
    String sweepId = plan.path("sweep_id").asText();
    List<PlannedTrial> trials = new ArrayList<>();
    for (JsonNode t : plan.path("trials")) {
      LinkedHashMap<String, String> params = new LinkedHashMap<>();
      t.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
      trials.add(new PlannedTrial(t.path("trial_id").asText(), t.path("seed").asLong(), params,
          Yaml.write(t.path("config"))));
    }
    byte[] spec = sweep.exists("spec.yaml") ? read(sweep, "spec.yaml").getBytes(StandardCharsets.UTF_8) : new byte[0];
    Map<String, TrialsTable.Row> rows = TrialsTable.read(conf, root);
    long added = 0;
    String output = root.getFileSystem(conf).makeQualified(root).toString();
    try (SweepTracking tracking = SweepTracking.open(trackingUri, name, sweepId, output, trials,
        Map.of("sweep.name", name, "sweep_id", sweepId), spec, false, out)) {
      MlflowRuns runs = tracking.runs();
      Map<String, String> runIds = tracking.childRunIds();
      for (PlannedTrial t : trials) {
        String runId = runIds.get(t.trialId());
        List<MetricPoint> missing = missingPoints(runs, runId, t.trialId());
        runs.logMetrics(runId, missing);
        added += missing.size();
        TrialsTable.Row row = rows.get(t.trialId());
        if (row != null && row.finished()) {
          restoreArtifacts(runs, runId, t);
        }
        if (row != null && runs.run(runId).getStatus() == RunStatus.RUNNING) {
          runs.setTags(runId, Map.of("status", row.status()));
          runs.finish(runId, row.finished());
        }
        if (!missing.isEmpty()) {
          out.printf("  %s: %d metric points added%n", t.trialId(), missing.size());
        }
      }
      if (rows.size() == trials.size() && runs.run(tracking.parentRunId()).getStatus() == RunStatus.RUNNING) {
        tracking.sweepEnded(rows, RungsTable.read(conf, root), LineageTable.read(conf, root));
      }
    }
    out.printf("mlflow-sync %s: %d trials checked, %d metric points added%n", sweepId, trials.size(), added);
    return added;
  }

  /** Uploads the artifacts a finished trial's run lacks, rebuilt from its tables and its last checkpoint. */
  private void restoreArtifacts(MlflowRuns runs, String runId, PlannedTrial t) throws IOException {
    MlflowArtifacts artifacts = new MlflowArtifacts(auth);
    Set<String> present = new HashSet<>();
    artifacts.list(runId, "").forEach(f -> present.add(f.path()));
    if (present.containsAll(TrialArtifacts.names(t.config()))) {
      return;
    }
    HadoopStorage checkpoints = new HadoopStorage(new Path(new Path(root, TrialTask.CHECKPOINTS), t.trialId()), conf);
    Checkpoints files = new Checkpoints(checkpoints, 1);
    String latest = files.latest().orElse(null);
    if (latest == null) {
      out.printf("  %s: artifacts missing and no checkpoint to rebuild them from%n", t.trialId());
      return;
    }
    try (DataInputStream in = files.open(latest);
        PolicyFile.Policy policy = PolicyFile.read(in, Torch.select(DeviceSetting.CPU, 0))) {
      String artifactUri = runs.run(runId).getArtifactUri();
      for (TrialTracker.Artifact a : TrialArtifacts.of(t, policy, conf, root)) {
        if (!present.contains(a.path())) {
          artifacts.upload(artifactUri, a.path(), a.bytes());
          out.printf("  %s: uploaded %s%n", t.trialId(), a.path());
        }
      }
    }
  }

  /** The trial's points from its tables that the run does not have. */
  private List<MetricPoint> missingPoints(MlflowRuns runs, String runId, String trialId) throws IOException {
    Map<String, Set<Long>> logged = runs.loggedSteps(runId, TrackingListener.KEYS);
    List<MetricPoint> points = new ArrayList<>();
    TrackingListener replay = new TrackingListener(points::add, logged);
    for (Group g : table(Tables.EPISODES.getName(), trialId)) {
      replay.onEpisode(new TrialListener.Episode(g.getLong("episode", 0), g.getLong("end_step", 0),
          g.getDouble("raw_return", 0), g.getDouble("clipped_return", 0), g.getLong("length", 0),
          g.getDouble("epsilon", 0), g.getLong("emulator_frames", 0), g.getDouble("wall_seconds", 0),
          g.getDouble("mean10_return", 0)));
    }
    for (Group g : table(Tables.EVALS.getName(), trialId)) {
      replay.onEvaluation(new TrialListener.Evaluation(g.getLong("step", 0), new double[0],
          g.getDouble("mean_return", 0), g.getDouble("std_return", 0)));
    }
    for (Group g : table(Tables.TRAIN_METRICS.getName(), trialId)) {
      replay.onTrainInterval(new TrialListener.TrainInterval(g.getLong("step", 0), g.getLong("updates", 0),
          optional(g, "loss"), optional(g, "q_mean"), optional(g, "td_error_mean"), g.getDouble("updates_per_s", 0),
          g.getDouble("agent_steps_per_s", 0), g.getDouble("epsilon", 0)));
    }
    return points;
  }

  private List<Group> table(String name, String trialId) throws IOException {
    return ParquetTable.read(conf, new Path(new Path(root, name), "trial_id=" + trialId));
  }

  private static double optional(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? Double.NaN : g.getDouble(field, 0);
  }

  private static String read(HadoopStorage s, String path) throws IOException {
    try (InputStream in = s.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
