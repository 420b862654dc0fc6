package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.dqnsweep.config.Configs;

/**
 * ASHA on the driver, pausing variant: each trial trains rung by rung, one Spark job per rung resumed from the
 * trial's checkpoint at the previous rung's budget. A trial that finishes a rung is paused there, and promoted when
 * it is (or later becomes) one of the top 1/eta of its rung; every decision is written to the {@code rungs} table
 * before it takes effect (a promotion replaces the trial's PAUSE row at that rung). Trials still paused when
 * nothing else can run end as PAUSED. A driver started again replays the recorded decisions: a promoted trial gets
 * its next rung, and a paused or completed one a job at the budget it reached (its checkpoint is there, so the
 * job returns at once with its result).
 */
final class AshaSchedule implements Schedule {
  private final AshaSettings settings;
  private final Asha asha;
  private final Configuration conf;
  private final Path root;
  private final String sweepId;
  private final PrintStream out;
  private final SweepTracking tracking;
  private final DriverStopFault stopFault;
  private final Map<String, Map<Integer, RungsTable.Row>> decisions = new HashMap<>();
  private final Map<String, PlannedTrial> trials = new HashMap<>();
  private final Map<String, TrialOutcome> pausedOutcomes = new LinkedHashMap<>();
  private long seq;

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
    List<RungsTable.Row> recorded = RungsTable.read(conf, root);
    for (RungsTable.Row r : recorded) {
      asha.replay(r.trialId(), r.rung(), r.metricValue(), r.decision());
      decisions.computeIfAbsent(r.trialId(), k -> new HashMap<>()).put(r.rung(), r);
      seq = Math.max(seq, r.seq() + 1);
    }
    this.stopFault = new DriverStopFault(stopAfterDecisions, recorded.isEmpty());
    out.println(recorded.isEmpty() ? "ASHA: " + settings.describe() : String.format(Locale.ROOT,
        "ASHA: %d decisions recorded earlier, replayed; %s", recorded.size(), settings.describe()));
  }

  private int last() {
    return asha.rungs().size() - 1;
  }

  @Override
  public List<TrialJob> start(List<PlannedTrial> todo) {
    // trials start in a random order (seeded by the sweep id), not one corner of the grid first
    List<PlannedTrial> order = new ArrayList<>(todo);
    java.util.Collections.shuffle(order, new java.util.Random(sweepId.hashCode()));
    List<TrialJob> jobs = new ArrayList<>();
    for (PlannedTrial t : order) {
      trials.put(t.trialId(), t);
      RungsTable.Row latest = decisions.getOrDefault(t.trialId(), Map.of()).values().stream()
          .max((a, b) -> Integer.compare(a.rung(), b.rung())).orElse(null);
      if (latest == null) {
        jobs.add(job(t, 0));
      } else if (latest.decision() == Asha.Decision.PROMOTE) {
        jobs.add(0, job(t, latest.rung() + 1));
      } else { // paused or completed: the job at the budget it reached only reads its result back
        jobs.add(0, TrialJob.rung(t, latest.rung(), latest.rungAgentSteps(), latest.decision()
            == Asha.Decision.COMPLETE && latest.rung() == last()));
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
    if (o.result() == null) {
      return Next.end(o);
    }
    RungsTable.Row row = decisions.getOrDefault(job.trialId(), Map.of()).get(job.index());
    Asha.Decision d = row != null ? row.decision() : asha.record(job.trialId(), job.index(),
        settings.metric().of(o.result()), o.result().agentSteps() < job.budget());
    if (d == Asha.Decision.COMPLETE) {
      if (row == null) {
        write(job.trialId(), job.index(), o.result().agentSteps(), o.result(), d, Double.NaN);
      }
      return Next.end(o.withStatus(TrialOutcome.Status.FINISHED));
    }
    pausedOutcomes.put(job.trialId(), o);
    List<Asha.Promotion> promotions = asha.promotions();
    boolean promotedNow = promotions.stream().anyMatch(p -> p.trial().equals(job.trialId()));
    if (row == null && !promotedNow) {
      write(job.trialId(), job.index(), o.result().agentSteps(), o.result(), Asha.Decision.PAUSE,
          asha.cutoff(job.index()));
    }
    List<TrialJob> jobs = new ArrayList<>();
    for (Asha.Promotion p : promotions) {
      TrialOutcome paused = pausedOutcomes.remove(p.trial());
      write(p.trial(), p.rung(), paused.result().agentSteps(), paused.result(), Asha.Decision.PROMOTE, p.cutoff());
      jobs.add(job(trials.get(p.trial()), p.rung() + 1));
    }
    return new Next(jobs, List.of());
  }

  /** Trials paused when nothing else runs: they end where they are. */
  @Override
  public List<TrialOutcome> finish() {
    List<TrialOutcome> ended = new ArrayList<>();
    pausedOutcomes.values().forEach(o -> ended.add(o.withStatus(TrialOutcome.Status.PAUSED)));
    pausedOutcomes.clear();
    return ended;
  }

  /** Records a decision durably before it takes effect. */
  private void write(String trialId, int rung, long agentSteps, org.dqnsweep.train.TrialResult result,
      Asha.Decision d, double cutoff) throws IOException {
    double metric = settings.metric().of(result);
    long nextSteps = d == Asha.Decision.PROMOTE ? asha.rungs().get(rung + 1) : 0;
    RungsTable.Row row = new RungsTable.Row(trialId, seq++, rung, asha.rungs().get(rung), agentSteps,
        Configs.word(settings.metric()), metric, cutoff, d, nextSteps,
        TrialsTable.paramsText(trials.get(trialId).params()));
    RungsTable.write(conf, root, sweepId, row);
    decisions.computeIfAbsent(trialId, k -> new HashMap<>()).put(rung, row);
    out.printf(Locale.ROOT, "trial %s rung %d (%,d agent steps): %s %s, top 1/%s at %s -> %s%n", trialId, rung,
        agentSteps, row.metric(), number(metric), settings.describeFactor(), number(cutoff),
        d == Asha.Decision.PROMOTE ? String.format(Locale.ROOT, "PROMOTE to %,d agent steps", nextSteps) : d.name());
    if (tracking != null) {
      SweepDriver.tolerate(out, root, () -> tracking.rungDecided(row), "record the rung of trial " + trialId);
    }
    stopFault.decided();
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }
}
