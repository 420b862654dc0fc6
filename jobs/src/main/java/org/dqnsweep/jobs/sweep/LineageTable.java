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
 * The {@code lineage} table of a PBT sweep: one row per member and generation, under {@code lineage/trial_id=<id>/},
 * written by the driver before the generation's decisions take effect (before any checkpoint is copied or job
 * submitted). Generation g of a member is its part {@code [g, g + 1)}, so deciding a generation again (a driver
 * that died while writing it) replaces its rows with the same ones.
 */
public final class LineageTable {
  static final String DIR = "lineage";

  /** The table's columns (trial_id is the partition). */
  public static final MessageType SCHEMA = Tables.rowSchema("lineage", columns());

  private LineageTable() {}

  private static Map<String, Class<?>> columns() {
    Map<String, Class<?>> c = new LinkedHashMap<>();
    c.put("sweep_id", String.class);
    c.put("seq", Long.class);
    c.put("generation", Long.class);
    c.put("agent_steps", Long.class);
    c.put("metric", String.class);
    c.put("metric_value", Double.class);
    c.put("decision", String.class);
    c.put("parent", String.class);
    c.put("settings_before", String.class);
    c.put("settings_after", String.class);
    c.put("games", Long.class);
    c.put("config", String.class);
    c.put("decided_at_ms", Long.class);
    return c;
  }

  /**
   * One member's decision at the end of a generation.
   *
   * @param seq generation x population + the member's rank in trial-id order: the order decisions were made in
   * @param agentSteps the generation's end, where the member stands
   * @param parent the member whose state it copies (EXPLOIT), else empty
   * @param before its settings of the PBT keys during the generation
   * @param after its settings for the next one (a copy of the parent's, changed)
   * @param games the games the member itself had played by then (its game numbering goes on from there)
   * @param config its whole config for the next generation, as YAML
   */
  record Row(String trialId, long seq, int generation, long agentSteps, String metric, double metricValue,
      Pbt.Decision decision, String parent, Map<String, String> before, Map<String, String> after, long games,
      String config) {}

  static void write(Configuration conf, Path sweepRoot, String sweepId, Row r) throws IOException {
    List<Object> values = List.of(sweepId, r.seq(), (long) r.generation(), r.agentSteps(), r.metric(),
        r.metricValue(), r.decision().name(), r.parent(), text(r.before()), text(r.after()), r.games(), r.config(),
        System.currentTimeMillis());
    try (ParquetTable table = new ParquetTable(conf, dir(sweepRoot, r.trialId()), SCHEMA, r.generation())) {
      table.write(Tables.row(SCHEMA, values));
      table.commit(r.generation() + 1L);
    }
  }

  /** Every recorded row, in the order the decisions were made. */
  static List<Row> read(Configuration conf, Path sweepRoot) throws IOException {
    List<Row> rows = new ArrayList<>();
    ParquetTable.readByTrial(conf, new Path(sweepRoot, DIR)).forEach((id, groups) -> groups.forEach(g -> rows.add(
        new Row(id, g.getLong("seq", 0), (int) g.getLong("generation", 0), g.getLong("agent_steps", 0),
            g.getString("metric", 0), ParquetTable.doubleOrNaN(g, "metric_value"),
            Pbt.Decision.valueOf(g.getString("decision", 0)), g.getString("parent", 0),
            settings(g.getString("settings_before", 0)), settings(g.getString("settings_after", 0)),
            g.getLong("games", 0), g.getString("config", 0)))));
    rows.sort(Comparator.comparingLong(Row::seq));
    return rows;
  }

  /** Settings as text: {@code learner.lr=1.0E-4, learner.gamma=0.99}. */
  static String text(Map<String, String> settings) {
    StringBuilder b = new StringBuilder();
    settings.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return b.toString();
  }

  private static Map<String, String> settings(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String kv : text.isEmpty() ? new String[0] : text.split(", ")) {
      int eq = kv.indexOf('=');
      out.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return out;
  }

  private static Path dir(Path sweepRoot, String trialId) {
    return new Path(new Path(sweepRoot, DIR), "trial_id=" + trialId);
  }
}
