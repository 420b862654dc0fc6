package org.dqnsweep.jobs.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dqnsweep.config.Configs;

/**
 * A sweep's {@code scheduler: {type: pbt, ...}} section: population-based training (Jaderberg et al., "Population
 * Based Training of Neural Networks", 2017), in synchronous generations: every member trains to the next multiple
 * of the interval, then the bottom quantile copies the whole trial state of a member of the top quantile and
 * perturbs or resamples its settings.
 *
 * @param metric what members are ranked by at each generation's end
 * @param mode whether a larger or smaller metric is better
 * @param intervalAgentSteps T: generations end at T, 2T, ... below M, then M
 * @param maxAgentSteps M: where every member ends
 * @param quantile the share of the population at the bottom that exploits, and at the top that is copied
 * @param perturb key path -> factors, one of which multiplies the copied value (e.g. [0.8, 1.2])
 * @param resample key path -> distribution that replaces the copied value with probability
 *     {@code resampleProbability} (instead of the perturbation, for keys in both)
 * @param seed seeds the exploit and explore draws (the spec's random.seed, else 0)
 */
public record PbtSettings(Metric metric, Mode mode, long intervalAgentSteps, long maxAgentSteps, double quantile,
    Map<String, List<Double>> perturb, Map<String, Distribution> resample, double resampleProbability, long seed)
    implements SchedulerSettings {

  /** Where each generation ends, in agent steps, ascending; the last is {@link #maxAgentSteps}. */
  public List<Long> generations() {
    List<Long> ends = new ArrayList<>();
    for (long s = intervalAgentSteps; s < maxAgentSteps; s += intervalAgentSteps) {
      ends.add(s);
    }
    ends.add(maxAgentSteps);
    return ends;
  }

  /** The settings PBT changes, in spec order: the perturbed ones, then the resampled ones not perturbed. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>(perturb.keySet());
    resample.keySet().stream().filter(k -> !perturb.containsKey(k)).forEach(keys::add);
    return keys;
  }

  @Override
  public String describe() {
    return "generations end every " + intervalAgentSteps + " agent steps up to " + maxAgentSteps
        + "; the bottom " + Math.round(quantile * 100) + "% by " + Configs.word(metric) + " (" + Configs.word(mode)
        + ") copy a top " + Math.round(quantile * 100) + "% member and change " + String.join(", ", keys());
  }
}
