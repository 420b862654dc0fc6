package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.io.ParquetTable;
import org.dqnsweep.io.Tables;
import org.dqnsweep.train.TrialResult;

/**
 * The sweep's {@code trials} table: one row per trial under {@code trials/trial_id=<id>/}, written by the driver
 * when the trial ends (its outcome, then every setting of its resolved config as a column, dots turned into
 * underscores: {@code learner.lr} is {@code learner_lr}). A rerun of the sweep reads it to skip finished trials.
 */
public final class TrialsTable {
  static final String DIR = "trials";

  private TrialsTable() {}

  /** @param config the trial's config in its last job (PBT changes settings between generations) */
  static void write(Configuration conf, Path sweepRoot, String sweepId, PlannedTrial trial, TrialConfig config,
      TrialOutcome o) throws IOException {
    TrialResult r = o.result();
    Map<String, Class<?>> types = new LinkedHashMap<>();
    List<Object> values = new ArrayList<>();
    column(types, values, "sweep_id", String.class, sweepId);
    column(types, values, "status", String.class, o.status().name());
    column(types, values, "params", String.class, paramsText(trial.params()));
    column(types, values, "seed", Long.class, trial.seed());
    column(types, values, "device", String.class, o.device());
    column(types, values, "gpu_address", String.class, o.gpuAddress());
    column(types, values, "device_note", String.class, o.deviceNote());
    column(types, values, "final_eval_return", Double.class, r == null ? null : r.finalEvalReturn());
    column(types, values, "best_eval_return", Double.class, r == null ? null : r.bestEvalReturn());
    column(types, values, "mean10_return", Double.class, r == null ? null : r.mean10());
    column(types, values, "agent_steps", Long.class, r == null ? null : r.agentSteps());
    column(types, values, "emulator_frames", Long.class, r == null ? null : r.emulatorFrames());
    column(types, values, "games", Long.class, r == null ? null : r.games());
    column(types, values, "updates", Long.class, r == null ? null : r.updates());
    column(types, values, "wall_seconds", Double.class, r == null ? null : r.wallSeconds());
    column(types, values, "stop_reason", String.class, r == null ? null : r.stopReason());
    column(types, values, "error", String.class, o.error());
    column(types, values, "attempt", Long.class, (long) o.attempt());
    for (Map.Entry<String, Object> e : Configs.flatten(Configs.toMap(config)).entrySet()) {
      Object v = e.getValue();
      String name = e.getKey().replace('.', '_');
      if (!types.containsKey(name)) { // the config's seed is already the seed column
        column(types, values, name, v == null ? String.class : v.getClass(), v);
      }
    }
    MessageType schema = Tables.rowSchema("trials", types);
    // replaces an earlier row of this trial (a FAILED one being retried by a rerun of the sweep)
    try (ParquetTable table = new ParquetTable(conf, dir(sweepRoot, trial.trialId()), schema, 0)) {
      table.write(Tables.row(schema, values));
      table.commit(1);
    }
  }

  private static void column(Map<String, Class<?>> types, List<Object> values, String name, Class<?> type,
      Object value) {
    types.put(name, type);
    values.add(value);
  }

  static String paramsText(Map<String, String> params) {
    StringBuilder b = new StringBuilder();
    params.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return b.toString();
  }

  /** What the driver needs back from a trial's row. */
  public record Row(String trialId, String status, String params, double bestEvalReturn, double finalEvalReturn,
      long agentSteps) {
    /** Done for good: trained to its end, or pruned by the scheduler (a FAILED trial is retried by a rerun). */
    public boolean finished() {
      return !TrialOutcome.Status.FAILED.name().equals(status);
    }
  }

  /** Every trial that has a row, by trial id. */
  public static Map<String, Row> read(Configuration conf, Path sweepRoot) throws IOException {
    Map<String, Row> rows = new HashMap<>();
    ParquetTable.readByTrial(conf, new Path(sweepRoot, DIR)).forEach((id, groups) -> groups.forEach(g -> rows.put(
        id, new Row(id, g.getString("status", 0), g.getString("params", 0),
            ParquetTable.doubleOrNaN(g, "best_eval_return"), ParquetTable.doubleOrNaN(g, "final_eval_return"),
            g.getFieldRepetitionCount("agent_steps") == 0 ? 0 : g.getLong("agent_steps", 0)))));
    return rows;
  }

  private static Path dir(Path sweepRoot, String trialId) {
    return new Path(new Path(sweepRoot, DIR), "trial_id=" + trialId);
  }
}
