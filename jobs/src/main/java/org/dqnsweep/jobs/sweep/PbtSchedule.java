package org.dqnsweep.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.storage.HadoopStorage;
import org.dqnsweep.train.Checkpoints;

/**
 * PBT on the driver, in synchronous generations: every member trains to the generation's end (one Spark job each,
 * resumed from its checkpoint); once all have, the generation's decisions are written to the {@code lineage}
 * table, then each exploiting member's checkpoint folder is replaced by a copy of its parent's (weights, target
 * network, Adam state, replay, env and counters: the whole trial state at the same step) and every member's next
 * job is submitted with its settings. A driver started again reads the table: generations whose rows are all
 * there are not decided again, their copies are redone where they may not have happened, and a generation cut off
 * while its rows were written is decided again, identically.
 */
final class PbtSchedule implements Schedule {
  private final PbtSettings settings;
  private final Pbt pbt;
  private final Configuration conf;
  private final Path root;
  private final String sweepId;
  private final PrintStream out;
  private final SweepTracking tracking;
  private final DriverStopFault stopFault;
  private final List<Long> ends;
  private final Map<String, PlannedTrial> members = new TreeMap<>();
  private final List<String> order = new ArrayList<>(); // every planned member by id: its place numbers its rows
  private final Map<String, String> configs = new HashMap<>();
  private final Map<String, TrialJob.Adopted> adopted = new HashMap<>();
  private final Map<String, TrialOutcome> arrived = new TreeMap<>();
  private final List<LineageTable.Row> pendingCopies = new ArrayList<>();
  private int generation;

  PbtSchedule(PbtSettings settings, List<PlannedTrial> population, Configuration conf, Path root, String sweepId,
      PrintStream out, SweepTracking tracking, int stopAfterDecisions) throws IOException {
    this.settings = settings;
    this.pbt = new Pbt(settings);
    this.conf = conf;
    this.root = root;
    this.sweepId = sweepId;
    this.out = out;
    this.tracking = tracking;
    this.ends = settings.generations();
    Map<String, TrialsTable.Row> rows = TrialsTable.read(conf, root);
    population.forEach(t -> {
      order.add(t.trialId());
      TrialsTable.Row row = rows.get(t.trialId());
      if (row == null || !row.status().equals(TrialOutcome.Status.FAILED.name())) { // a failed member left for good
        members.put(t.trialId(), t);
        configs.put(t.trialId(), t.configYaml());
      }
    });
    order.sort(null);
    List<LineageTable.Row> recorded = LineageTable.read(conf, root);
    Map<Integer, List<LineageTable.Row>> byGeneration = new TreeMap<>();
    recorded.forEach(r -> byGeneration.computeIfAbsent(r.generation(), g -> new ArrayList<>()).add(r));
    for (Map.Entry<Integer, List<LineageTable.Row>> g : byGeneration.entrySet()) {
      if (g.getValue().size() < members.size()) {
        break; // cut off while its rows were written: decided again
      }
      generation = g.getKey() + 1;
      pendingCopies.clear();
      for (LineageTable.Row r : g.getValue()) {
        configs.put(r.trialId(), r.config());
        adopted.remove(r.trialId());
        if (r.decision() == Pbt.Decision.EXPLOIT) {
          adopted.put(r.trialId(), new TrialJob.Adopted(r.agentSteps(), r.games()));
          pendingCopies.add(r);
        }
      }
    }
    this.stopFault = new DriverStopFault(stopAfterDecisions, recorded.isEmpty());
    out.println(recorded.isEmpty() ? "PBT: " + settings.describe() : String.format(Locale.ROOT,
        "PBT: %d generation(s) decided earlier, replayed; %s", generation, settings.describe()));
  }

  @Override
  public List<TrialJob> start(List<PlannedTrial> todo) throws IOException {
    for (LineageTable.Row r : pendingCopies) {
      if (latestStep(r.parent()) == r.agentSteps() && latestStep(r.trialId()) <= r.agentSteps()) {
        copyCheckpoints(r.parent(), r.trialId()); // the parent has not moved on: the copy may not have happened
      }
    }
    return todo.stream().filter(t -> members.containsKey(t.trialId())).map(t -> job(t.trialId())).toList();
  }

  /** One generation at a time, each member in its own job: as many at once as Spark runs. */
  @Override
  public int inFlight(int sparkSlots) {
    return sparkSlots;
  }

  /** The member's job in the current generation (after the last one is decided: at its end, to end the trial). */
  private TrialJob job(String member) {
    int g = Math.min(generation, ends.size() - 1);
    return new TrialJob(members.get(member), configs.get(member), ends.get(g), "generation", g,
        g == ends.size() - 1, adopted.get(member));
  }

  @Override
  public Next next(TrialJob job, TrialOutcome o) throws IOException {
    if (o.result() == null) { // failed for good: it leaves the population
      members.remove(job.trialId());
      if (members.isEmpty() || arrived.size() < members.size()) {
        return Next.end(o);
      }
      Next decided = decide();
      List<TrialOutcome> ended = new ArrayList<>(decided.ended());
      ended.add(o);
      return new Next(decided.jobs(), ended);
    }
    if (generation >= ends.size()) { // its last generation was decided by an earlier run of the driver
      return Next.end(o.withStatus(TrialOutcome.Status.FINISHED));
    }
    arrived.put(job.trialId(), o);
    return arrived.size() < members.size() ? Next.WAIT : decide();
  }

  /** Ranks the generation, records every decision, then acts: copies, and the next generation's jobs. */
  private Next decide() throws IOException {
    boolean last = generation == ends.size() - 1;
    long end = ends.get(generation);
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, Map<String, JsonNode>> current = new LinkedHashMap<>();
    for (String m : members.keySet()) {
      metrics.put(m, settings.metric().of(arrived.get(m).result()));
      current.put(m, values(configs.get(m)));
    }
    List<Pbt.Verdict> verdicts = pbt.decide(generation, metrics, current, last);
    List<LineageTable.Row> rows = new ArrayList<>();
    for (Pbt.Verdict v : verdicts) {
      String m = v.member();
      String config = v.decision() == Pbt.Decision.EXPLOIT ? withSettings(configs.get(v.parent()), v.after())
          : configs.get(m);
      LineageTable.Row row = new LineageTable.Row(m, (long) generation * order.size() + order.indexOf(m),
          generation, end, Configs.word(settings.metric()), metrics.get(m), v.decision(), v.parent(),
          text(current.get(m)), text(v.after()), arrived.get(m).result().games(), config);
      LineageTable.write(conf, root, sweepId, row);
      rows.add(row);
      out.printf(Locale.ROOT, "member %s generation %d (%,d agent steps): %s %s -> %s%s%n", m, generation, end,
          row.metric(), Double.isNaN(row.metricValue()) ? "-" : String.format(Locale.ROOT, "%.2f",
              row.metricValue()), v.decision(), v.decision() == Pbt.Decision.EXPLOIT ? " " + v.parent() + ", "
              + LineageTable.text(row.after()) : "");
      if (tracking != null) {
        SweepDriver.tolerate(out, root, () -> tracking.generationDecided(row, settings.keys()),
            "record the generation of member " + m);
      }
      stopFault.decided();
    }
    if (last) {
      List<TrialOutcome> ended = new ArrayList<>();
      members.keySet().forEach(m -> ended.add(arrived.get(m).withStatus(TrialOutcome.Status.FINISHED)));
      return new Next(List.of(), ended);
    }
    adopted.clear();
    for (LineageTable.Row r : rows) {
      configs.put(r.trialId(), r.config());
      if (r.decision() == Pbt.Decision.EXPLOIT) {
        copyCheckpoints(r.parent(), r.trialId());
        adopted.put(r.trialId(), new TrialJob.Adopted(end, r.games()));
      }
    }
    generation++;
    arrived.clear();
    return new Next(members.keySet().stream().map(this::job).toList(), List.of());
  }

  /** The PBT keys' values in a config. */
  private Map<String, JsonNode> values(String configYaml) {
    JsonNode tree = Yaml.parse(configYaml, "a member's config");
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String key : settings.keys()) {
      JsonNode v = tree;
      for (String part : key.split("\\.")) {
        v = v.path(part);
      }
      out.put(key, v);
    }
    return out;
  }

  /** {@code configYaml} with the PBT keys set to {@code values}. */
  private static String withSettings(String configYaml, Map<String, JsonNode> values) {
    ObjectNode tree = (ObjectNode) Yaml.parse(configYaml, "a member's config");
    values.forEach((key, v) -> {
      String[] parts = key.split("\\.");
      ObjectNode at = tree;
      for (int i = 0; i < parts.length - 1; i++) {
        at = (ObjectNode) at.get(parts[i]);
      }
      at.set(parts[parts.length - 1], v);
    });
    return Yaml.write(tree);
  }

  private static Map<String, String> text(Map<String, JsonNode> values) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, v.asText()));
    return out;
  }

  private Path checkpointDir(String trialId) {
    return new Path(new Path(root, TrialTask.CHECKPOINTS), trialId);
  }

  /** The agent step of a trial's latest checkpoint, or -1 without one. */
  private long latestStep(String trialId) throws IOException {
    return new Checkpoints(new HadoopStorage(checkpointDir(trialId), conf), 1).latest()
        .map(name -> Long.parseLong(name.substring("ckpt-".length(), name.length() - ".bin".length())))
        .orElse(-1L);
  }

  /**
   * Replaces {@code member}'s checkpoint folder by a copy of {@code parent}'s: copied beside it first, so a copy cut
   * off halfway leaves the member's own folder (or, between the delete and the rename, none: then it is redone).
   */
  private void copyCheckpoints(String parent, String member) throws IOException {
    Path from = checkpointDir(parent);
    Path to = checkpointDir(member);
    Path tmp = new Path(to.getParent(), member + ".copying");
    FileSystem fs = to.getFileSystem(conf);
    fs.delete(tmp, true);
    if (!FileUtil.copy(fs, from, fs, tmp, false, true, conf)) {
      throw new IOException("could not copy the checkpoints of " + parent + " to " + tmp);
    }
    fs.delete(to, true);
    if (!fs.rename(tmp, to)) {
      throw new IOException("could not rename " + tmp + " to " + to);
    }
  }
}
