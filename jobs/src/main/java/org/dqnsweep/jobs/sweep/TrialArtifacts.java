package org.dqnsweep.jobs.sweep;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.io.ParquetTable;
import org.dqnsweep.io.ScreenRecorder;
import org.dqnsweep.io.Tables;
import org.dqnsweep.track.LearningCurve;
import org.dqnsweep.track.TrialTracker.Artifact;
import org.dqnsweep.train.Evaluator;
import org.dqnsweep.train.PolicyFile;
import org.dqnsweep.util.Rng;

/**
 * What a finished trial leaves in its MLflow run: {@code config.yaml} (resolved), {@code model.bin} (the policy,
 * playable with {@code bin/dqn play --checkpoint}), {@code learning_curve.png} (from the trial's Parquet tables, so
 * it covers every attempt) and, for Atari, {@code eval.gif} (one evaluation game).
 */
final class TrialArtifacts {
  private TrialArtifacts() {}

  /** The names {@link #of} produces for a trial of this config. */
  static List<String> names(TrialConfig config) {
    return !config.env().isAtari() ? List.of("config.yaml", "model.bin", "learning_curve.png")
        : List.of("config.yaml", "model.bin", "learning_curve.png", "eval.gif");
  }

  static List<Artifact> of(PlannedTrial trial, PolicyFile.Policy policy, Configuration conf, Path root)
      throws IOException {
    TrialConfig config = trial.config();
    List<Artifact> files = new ArrayList<>();
    files.add(new Artifact("config.yaml", Yaml.write(Configs.toMap(config)).getBytes(StandardCharsets.UTF_8)));
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    policy.write(new DataOutputStream(model));
    files.add(new Artifact("model.bin", model.toByteArray()));
    files.add(new Artifact("learning_curve.png", curve(trial, conf, root)));
    if (config.env().isAtari()) {
      ByteArrayOutputStream gif = new ByteArrayOutputStream();
      try (ScreenRecorder recorder = new ScreenRecorder(gif, 0)) {
        Evaluator.play(policy.agent(), config.env(), Rng.derive(config.seed(), "gif").nextLong(), 1,
            config.exploration().evalEpsilon(), recorder);
      }
      files.add(new Artifact("eval.gif", gif.toByteArray()));
    }
    return files;
  }

  private static byte[] curve(PlannedTrial trial, Configuration conf, Path root) throws IOException {
    List<LearningCurve.Game> games = new ArrayList<>();
    for (Group g : ParquetTable.read(conf, dir(root, Tables.EPISODES.getName(), trial.trialId()))) {
      games.add(new LearningCurve.Game(g.getLong("end_step", 0), g.getDouble("raw_return", 0),
          g.getDouble("mean10_return", 0)));
    }
    List<LearningCurve.Eval> evals = new ArrayList<>();
    for (Group g : ParquetTable.read(conf, dir(root, Tables.EVALS.getName(), trial.trialId()))) {
      evals.add(new LearningCurve.Eval(g.getLong("step", 0), g.getDouble("mean_return", 0)));
    }
    String title = trial.trialId() + (trial.params().isEmpty() ? "" : " " + TrialsTable.paramsText(trial.params()));
    return LearningCurve.png(title, games, evals, 900, 500);
  }

  private static Path dir(Path root, String table, String trialId) {
    return new Path(new Path(root, table), "trial_id=" + trialId);
  }
}
