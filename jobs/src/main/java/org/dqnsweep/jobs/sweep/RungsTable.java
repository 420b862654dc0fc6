package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;
import org.dqnsweep.io.ParquetTable;
import org.dqnsweep.io.Tables;

/**
 * The {@code rungs} table of an ASHA sweep: one row per decision, under {@code rungs/trial_id=<id>/}, written by the
 * driver before the decision takes effect. Decision k of a trial is its part {@code [k, k + 1)}, so it is written
 * exactly once, and a restarted driver replays the rows in {@code seq} order to rebuild the scheduler.
 */
public final class RungsTable {
  static final String DIR = "rungs";

  /** The table's columns (trial_id is the partition). */
  public static final MessageType SCHEMA = Tables.rowSchema("rungs", columns());

  private RungsTable() {}

  private static Map<String, Class<?>> columns() {
    Map<String, Class<?>> c = new LinkedHashMap<>();
    c.put("sweep_id", String.class);
    c.put("seq", Long.class);
    c.put("rung", Long.class);
    c.put("rung_agent_steps", Long.class);
    c.put("agent_steps", Long.class);
    c.put("metric", String.class);
    c.put("metric_value", Double.class);
    c.put("cutoff", Double.class);
    c.put("decision", String.class);
    c.put("next_agent_steps", Long.class);
    c.put("params", String.class);
    c.put("decided_at_ms", Long.class);
    return c;
  }

  /**
   * One decision.
   *
   * @param seq its place among all of the sweep's decisions (0, 1, ...): the order they were made in
   * @param rung the rung the trial finished (0 is the first)
   * @param rungAgentSteps that rung's budget
   * @param agentSteps the step the trial reached (below the budget if it met its return target)
   * @param metricValue its metric there (NaN when it had none)
   * @param cutoff what the metric had to reach to be promoted (NaN: none, the first trial at the rung)
   * @param nextAgentSteps the next rung's budget when promoted, else 0
   */
  record Row(String trialId, long seq, int rung, long rungAgentSteps, long agentSteps, String metric,
      double metricValue, double cutoff, Asha.Decision decision, long nextAgentSteps, String params) {}

  static void write(Configuration conf, Path sweepRoot, String sweepId, Row r) throws IOException {
    List<Object> values = List.of(sweepId, r.seq(), (long) r.rung(), r.rungAgentSteps(), r.agentSteps(), r.metric(),
        r.metricValue(), r.cutoff(), r.decision().name(), r.nextAgentSteps(), r.params(), System.currentTimeMillis());
    try (ParquetTable table = new ParquetTable(conf, dir(sweepRoot, r.trialId()), SCHEMA, r.rung())) {
      table.write(Tables.row(SCHEMA, values));
      table.commit(r.rung() + 1L);
    }
  }

  /** Every recorded decision, in the order it was made. */
  static List<Row> read(Configuration conf, Path sweepRoot) throws IOException {
    List<Row> rows = new ArrayList<>();
    ParquetTable.readByTrial(conf, new Path(sweepRoot, DIR)).forEach((id, groups) -> groups.forEach(g -> rows.add(
        new Row(id, g.getLong("seq", 0), (int) g.getLong("rung", 0), g.getLong("rung_agent_steps", 0),
            g.getLong("agent_steps", 0), g.getString("metric", 0), ParquetTable.doubleOrNaN(g, "metric_value"),
            ParquetTable.doubleOrNaN(g, "cutoff"), Asha.Decision.valueOf(g.getString("decision", 0)),
            g.getLong("next_agent_steps", 0), g.getString("params", 0)))));
    rows.sort(Comparator.comparingLong(Row::seq));
    return rows;
  }

  private static Path dir(Path sweepRoot, String trialId) {
    return new Path(new Path(sweepRoot, DIR), "trial_id=" + trialId);
  }
}
