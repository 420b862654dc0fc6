package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.dqnsweep.config.Configs;

/**
 * ASHA on the driver: each trial trains rung by rung, one Spark job per rung resumed from the trial's checkpoint at
 * the previous rung's budget. After each rung the decision is written to the {@code rungs} table, then acted on. A
 * driver started again replays the recorded decisions first: it resubmits only what has no decision yet, and a
 * trial whose decision was recorded but not acted on gets a job at the budget it already reached (its checkpoint
 * is there, so the job returns at once) to finish its row.
 */
final class AshaSchedule implements Schedule {
  private final AshaSettings settings;
  private final Asha asha;
  private final Configuration conf;
  private final Path root;
  private final String sweepId;
  private final PrintStream out;
  private final SweepTracking tracking;
  private final int stopAfterDecisions;
  private final Map<String, Map<Integer, RungsTable.Row>> decisions = new HashMap<>();
  private final boolean startedEmpty;
  private long seq;
  private int madeHere;

  /**
   * @param tracking the sweep's MLflow runs, or null
   * @param stopAfterDecisions a test fault: a driver that starts with no decision recorded stops, as if killed,
   *     right after recording this many (0: never)
   */
  AshaSchedule(AshaSettings settings, Configuration conf, Path root, String sweepId, PrintStream out,
      SweepTracking tracking, int stopAfterDecisions) throws IOException {
    this.settings = settings;
    this.asha = new Asha(settings);
    this.conf = conf;
    this.root = root;
    this.sweepId = sweepId;
    this.out = out;
    this.tracking = tracking;
    this.stopAfterDecisions = stopAfterDecisions;
    List<RungsTable.Row> recorded = RungsTable.read(conf, root);
    for (RungsTable.Row r : recorded) { // in the order they were made: the scheduler's state is rebuilt exactly
      asha.decide(r.rung(), r.metricValue(), r.decision() == Asha.Decision.COMPLETE && r.rung() < last());
      decisions.computeIfAbsent(r.trialId(), k -> new HashMap<>()).put(r.rung(), r);
    }
    this.seq = recorded.size();
    this.startedEmpty = recorded.isEmpty();
    if (!recorded.isEmpty()) {
      out.printf(Locale.ROOT, "ASHA: %d decisions recorded earlier, replayed; rungs at %s agent steps%n",
          recorded.size(), asha.rungs());
    } else {
      out.println("ASHA: " + settings.describe());
    }
  }

  private int last() {
    return asha.rungs().size() - 1;
  }

  @Override
  public List<TrialJob> start(List<PlannedTrial> todo) {
    // The first trials at a rung always go on, so they start in a random order (seeded by the sweep id): in plan
    // order one corner of the grid would get every free pass.
    List<PlannedTrial> order = new ArrayList<>(todo);
    java.util.Collections.shuffle(order, new java.util.Random(sweepId.hashCode()));
    List<TrialJob> jobs = new ArrayList<>();
    for (PlannedTrial t : order) {
      Map<Integer, RungsTable.Row> made = decisions.getOrDefault(t.trialId(), Map.of());
      RungsTable.Row latest = made.values().stream().max((a, b) -> Integer.compare(a.rung(), b.rung())).orElse(null);
      if (latest == null) {
        jobs.add(job(t, 0));
      } else if (latest.decision() == Asha.Decision.PROMOTE) {
        jobs.add(job(t, latest.rung() + 1));
      } else { // decided, not yet acted on: the job at the budget it reached only reads its result back
        jobs.add(TrialJob.rung(t, latest.rung(), latest.rungAgentSteps(), latest.decision() == Asha.Decision.COMPLETE
            && latest.rung() == last()));
      }
    }
    return jobs;
  }

  /** As many as Spark runs at once: a promoted trial then waits for a free slot only, not behind every new trial. */
  @Override
  public int inFlight(int sparkSlots) {
    return sparkSlots;
  }

  private TrialJob job(PlannedTrial t, int rung) {
    return TrialJob.rung(t, rung, asha.rungs().get(rung), rung == last());
  }

  @Override
  public Next next(TrialJob job, TrialOutcome o) throws IOException {
    RungsTable.Row row = decisions.getOrDefault(job.trialId(), Map.of()).get(job.rung());
    if (row == null) {
      row = decide(job, o);
    }
    return switch (row.decision()) {
      case PROMOTE -> new Next(job(job.trial(), job.rung() + 1), null);
      case PRUNE -> new Next(null, TrialOutcome.Status.PRUNED);
      case COMPLETE -> new Next(null, TrialOutcome.Status.FINISHED);
    };
  }

  /** Decides, records the decision durably, and only then returns it. */
  private RungsTable.Row decide(TrialJob job, TrialOutcome o) throws IOException {
    double metric = settings.metric().of(o.result());
    boolean ended = o.result().agentSteps() < job.budget(); // met its return target
    Asha.Verdict v = asha.decide(job.rung(), metric, ended);
    long nextSteps = v.decision() == Asha.Decision.PROMOTE ? asha.rungs().get(job.rung() + 1) : 0;
    RungsTable.Row row = new RungsTable.Row(job.trialId(), seq, job.rung(), job.budget(), o.result().agentSteps(),
        Configs.word(settings.metric()), metric, v.cutoff(), v.decision(), nextSteps,
        TrialsTable.paramsText(job.trial().params()));
    RungsTable.write(conf, root, sweepId, row);
    seq++;
    decisions.computeIfAbsent(job.trialId(), k -> new HashMap<>()).put(job.rung(), row);
    out.printf(Locale.ROOT, "trial %s rung %d (%,d agent steps): %s %s, cutoff %s -> %s%n", job.trialId(),
        job.rung(), o.result().agentSteps(), row.metric(), number(metric), number(v.cutoff()),
        v.decision() == Asha.Decision.PROMOTE ? String.format(Locale.ROOT, "PROMOTE to %,d agent steps", nextSteps)
            : v.decision().name());
    if (tracking != null) {
      SweepDriver.tolerate(out, root, () -> tracking.rungDecided(row), "record the rung of trial " + job.trialId());
    }
    madeHere++;
    if (startedEmpty && stopAfterDecisions > 0 && madeHere == stopAfterDecisions) {
      throw new SweepDriver.Stopped("injected fault: the driver stops after " + madeHere
          + " scheduler decisions (faults: stop_driver_after_decisions)");
    }
    return row;
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }
}
