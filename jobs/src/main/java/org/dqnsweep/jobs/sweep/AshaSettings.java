package org.dqnsweep.jobs.sweep;

import java.util.ArrayList;
import java.util.List;
import org.dqnsweep.config.Configs;

/**
 * A sweep's {@code scheduler: {type: asha, ...}} section: asynchronous successive halving (Li et al., "A System for
 * Massively Parallel Hyperparameter Tuning", MLSys 2020), in the pausing variant of Li et al.
 * (a trial not yet in the top 1/eta of its rung waits there and may be promoted later).
 *
 * @param metric what trials are ranked by at each rung
 * @param mode whether a larger ({@code max}) or smaller ({@code min}) metric is better
 * @param minAgentSteps the first rung's budget R
 * @param maxAgentSteps the last rung's budget M: trials promoted this far end there
 * @param reductionFactor eta: rungs at R, R eta, R eta^2, ... below M, then M; the top 1/eta of a rung go on
 */
public record AshaSettings(Metric metric, Mode mode, long minAgentSteps, long maxAgentSteps, double reductionFactor)
    implements SchedulerSettings {

  /** The schedule in words: "rungs at [3000, 9000, 27000] agent steps; the top 1/3 of each rung by ... go on". */
  @Override
  public String describe() {
    return "rungs at " + rungs() + " agent steps; the top 1/" + describeFactor() + " of each rung by "
        + Configs.word(metric) + " (" + Configs.word(mode) + ") go on, the others wait at their rung";
  }

  /** eta as written: 3, or 2.5. */
  String describeFactor() {
    return reductionFactor == Math.rint(reductionFactor) ? Long.toString((long) reductionFactor)
        : Double.toString(reductionFactor);
  }

  /** Every rung's budget in agent steps, ascending; the last is {@link #maxAgentSteps}. */
  public List<Long> rungs() {
    List<Long> rungs = new ArrayList<>();
    for (double r = minAgentSteps; Math.round(r) < maxAgentSteps; r *= reductionFactor) {
      if (rungs.isEmpty() || Math.round(r) > rungs.get(rungs.size() - 1)) {
        rungs.add(Math.round(r));
      }
    }
    rungs.add(maxAgentSteps);
    return rungs;
  }
}
