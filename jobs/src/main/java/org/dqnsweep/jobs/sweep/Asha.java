package org.dqnsweep.jobs.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ASHA's decisions, on the driver and without Spark, in the pausing variant of Li et al.: a trial that finishes
 * rung k is paused there; a paused trial is promoted to rung k + 1 as soon as it is among the top
 * floor(n_k / eta) of the n_k trials recorded at rung k (higher rungs first, best first), which may be when it
 * arrives or any time later. A trial at the last rung, or one that met its return target early, completes. The
 * state is sets of metrics and promotions, so replaying the recorded decisions rebuilds it whatever their order.
 */
final class Asha {
  /** Where a trial stands after a rung. */
  enum Decision {
    /** on to the next rung */
    PROMOTE,
    /** waiting at the rung: promoted later if enough trials at the rung do worse, else it ends there */
    PAUSE,
    /** ended here: the last rung, or the trial met its return target before the rung's budget */
    COMPLETE
  }

  /** A promotion out of {@code rung}, and the metric the top 1/eta of the rung reached then. */
  record Promotion(String trial, int rung, double cutoff) {}

  private final SchedulerSettings.Mode mode;
  private final double eta;
  private final List<Long> rungs;
  private final List<Map<String, Double>> recorded = new ArrayList<>();
  private final List<Set<String>> promoted = new ArrayList<>();
  private final List<Set<String>> completed = new ArrayList<>();

  Asha(AshaSettings settings) {
    this.mode = settings.mode();
    this.eta = settings.reductionFactor();
    this.rungs = settings.rungs();
    for (int i = 0; i < rungs.size(); i++) {
      recorded.add(new LinkedHashMap<>());
      promoted.add(new HashSet<>());
      completed.add(new HashSet<>());
    }
  }

  List<Long> rungs() {
    return rungs;
  }

  /**
   * Records a trial's metric at a rung it finished: COMPLETE at the last rung or when it met its return target
   * ({@code ended}), else PAUSE (then {@link #promotions} says whether it, or another paused trial, goes on).
   *
   * @param metric NaN when it has none (mean10 before 10 games): it ranks below every number
   */
  Decision record(String trial, int rung, double metric, boolean ended) {
    recorded.get(rung).put(trial, metric);
    if (ended || rung == rungs.size() - 1) {
      completed.get(rung).add(trial);
      return Decision.COMPLETE;
    }
    return Decision.PAUSE;
  }

  /** Replays a decision read back from the rungs table. */
  void replay(String trial, int rung, double metric, Decision d) {
    recorded.get(rung).put(trial, metric);
    if (d == Decision.PROMOTE) {
      promoted.get(rung).add(trial);
    } else if (d == Decision.COMPLETE) {
      completed.get(rung).add(trial);
    }
  }

  /** Every paused trial now in the top 1/eta of its rung, from the highest rung down, best first; each is marked. */
  List<Promotion> promotions() {
    List<Promotion> out = new ArrayList<>();
    for (int k = rungs.size() - 2; k >= 0; k--) {
      List<String> top = top(k);
      double cutoff = cutoff(k);
      for (String t : top) {
        if (!promoted.get(k).contains(t) && !completed.get(k).contains(t)) {
          promoted.get(k).add(t);
          out.add(new Promotion(t, k, cutoff));
        }
      }
    }
    return out;
  }

  /** The metric the top floor(n / eta) trials of a rung reach (NaN while that top is empty). */
  double cutoff(int rung) {
    List<String> top = top(rung);
    return top.isEmpty() ? Double.NaN : recorded.get(rung).get(top.get(top.size() - 1));
  }

  /** The paused trials (by rung) that nothing has promoted: where they end if no promotion comes. */
  boolean paused(String trial, int rung) {
    return recorded.get(rung).containsKey(trial) && !promoted.get(rung).contains(trial)
        && !completed.get(rung).contains(trial);
  }

  /** The top floor(n / eta) trials recorded at a rung, best first (NaN last; ties in the order recorded). */
  private List<String> top(int rung) {
    Map<String, Double> r = recorded.get(rung);
    List<String> order = new ArrayList<>(r.keySet());
    order.sort(Comparator.comparingDouble((String t) -> -better(r.get(t))));
    return order.subList(0, (int) Math.floor(r.size() / eta + 1e-9));
  }

  private double better(double metric) {
    if (Double.isNaN(metric)) {
      return Double.NEGATIVE_INFINITY;
    }
    return mode == SchedulerSettings.Mode.MAX ? metric : -metric;
  }
}
