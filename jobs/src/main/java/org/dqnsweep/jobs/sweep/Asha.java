package org.dqnsweep.jobs.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * ASHA's decisions, on the driver and without Spark: a trial that finishes rung k goes on to rung k + 1 unless its
 * metric is below the (1 - 1/eta) quantile of the metrics recorded at rung k before it (Ray Tune's rule; the first
 * trial at a rung always goes on). Decisions depend only on the order results arrive in, so replaying the recorded
 * ones in their order rebuilds the same state.
 */
final class Asha {
  /** What happens to a trial after a rung. */
  enum Decision {
    /** on to the next rung */
    PROMOTE,
    /** stopped here: its metric is below the rung's cutoff */
    PRUNE,
    /** ended here: the last rung, or the trial met its return target before the rung's budget */
    COMPLETE
  }

  /** A decision and the cutoff it was made against (NaN when there was none). */
  record Verdict(Decision decision, double cutoff) {}

  private final AshaSettings settings;
  private final List<Long> rungs;
  private final List<List<Double>> recorded = new ArrayList<>();

  Asha(AshaSettings settings) {
    this.settings = settings;
    this.rungs = settings.rungs();
    rungs.forEach(r -> recorded.add(new ArrayList<>()));
  }

  List<Long> rungs() {
    return rungs;
  }

  /**
   * Decides a trial's next move after rung {@code rung} and records its metric there.
   *
   * @param metric the trial's metric at the rung (NaN, e.g. mean10 before any game: never above a cutoff)
   * @param ended the trial stopped before the rung's budget (its return target)
   */
  Verdict decide(int rung, double metric, boolean ended) {
    double cutoff = cutoff(recorded.get(rung));
    recorded.get(rung).add(metric);
    if (ended || rung == rungs.size() - 1) {
      return new Verdict(Decision.COMPLETE, cutoff);
    }
    boolean below = !Double.isNaN(cutoff) && (Double.isNaN(metric) || better(metric) < better(cutoff));
    return new Verdict(below ? Decision.PRUNE : Decision.PROMOTE, cutoff);
  }

  /** The metric turned so that larger is better (negated for mode min). */
  private double better(double metric) {
    return settings.mode() == AshaSettings.Mode.MAX ? metric : -metric;
  }

  /**
   * The metric the top 1/eta of the recorded ones reach: the (1 - 1/eta) quantile of their better-is-larger values,
   * interpolated linearly like numpy's percentile, in the metric's own units. NaN metrics are left out; NaN when
   * nothing is left.
   */
  private double cutoff(List<Double> values) {
    double[] v = values.stream().filter(x -> !Double.isNaN(x)).mapToDouble(this::better).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    double pos = (1 - 1 / settings.reductionFactor()) * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, v.length - 1);
    return better(v[lo] + (pos - lo) * (v[hi] - v[lo])); // better() is its own inverse
  }
}
