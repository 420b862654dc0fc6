package org.dqnsweep.jobs.sweep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.dqnsweep.config.Configs;
import org.dqnsweep.train.TrialResult;

/**
 * A sweep's {@code scheduler: {type: asha, ...}} section: asynchronous successive halving (Li et al., "A System for
 * Massively Parallel Hyperparameter Tuning", MLSys 2020), the stopping variant of Ray Tune's ASHA scheduler.
 *
 * @param metric what trials are ranked by at each rung
 * @param mode whether a larger ({@code max}) or smaller ({@code min}) metric is better
 * @param minAgentSteps the first rung's budget R
 * @param maxAgentSteps the last rung's budget M: trials promoted this far end there
 * @param reductionFactor eta: rungs at R, R eta, R eta^2, ... below M, then M; the top 1/eta of a rung go on
 */
public record AshaSettings(Metric metric, Mode mode, long minAgentSteps, long maxAgentSteps, double reductionFactor)
    implements Serializable {

  /** What a rung ranks trials by, read from the result of the trial's job at the rung's budget. */
  public enum Metric {
    /** the evaluation at the rung's last step (a trial's last step always evaluates) */
    EVAL_RETURN,
    /** the mean raw return of the last 10 training games */
    MEAN10_RETURN;

    public double of(TrialResult r) {
      return this == EVAL_RETURN ? r.finalEvalReturn() : r.mean10();
    }
  }

  /** Which direction is better. */
  public enum Mode { MAX, MIN }

  /** The schedule in words: "rungs at [3000, 9000, 27000] agent steps; the top 1/3 of each rung by ... go on". */
  public String describe() {
    String eta = reductionFactor == Math.rint(reductionFactor) ? Long.toString((long) reductionFactor)
        : Double.toString(reductionFactor);
    return "rungs at " + rungs() + " agent steps; the top 1/" + eta + " of each rung by " + Configs.word(metric)
        + " (" + Configs.word(mode) + ") go on";
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
