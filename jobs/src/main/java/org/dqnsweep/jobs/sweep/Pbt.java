package org.dqnsweep.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dqnsweep.util.Rng;

/**
 * PBT's decisions at the end of a generation, on the driver and without Spark: members ranked by their metric (a
 * missing one ranks last, ties by trial id); each member of the bottom quantile copies a member of the top
 * quantile drawn at random, then explores: every setting PBT changes is resampled with the resample probability
 * (if it has a distribution), else multiplied by one of its perturbation factors (if it has them), else kept.
 * The draws come from the spec's seed and the generation alone, so deciding a generation again gives the same.
 */
final class Pbt {
  /** What happens to a member at the end of a generation. */
  enum Decision {
    /** keeps its own state and settings */
    CONTINUE,
    /** copies another member's whole trial state and settings, then changes the settings */
    EXPLOIT,
    /** the last generation: the member ends here */
    COMPLETE
  }

  /**
   * One member's decision.
   *
   * @param parent the member it copies (EXPLOIT), else empty
   * @param after its settings for the next generation (the PBT keys), as YAML scalars
   */
  record Verdict(String member, Decision decision, String parent, Map<String, JsonNode> after) {}

  private final PbtSettings settings;

  Pbt(PbtSettings settings) {
    this.settings = settings;
  }

  /**
   * @param metrics each member's metric at the generation's end (NaN: none)
   * @param current each member's settings of the PBT keys
   * @param last whether it is the last generation (every member COMPLETE)
   */
  List<Verdict> decide(int generation, Map<String, Double> metrics, Map<String, Map<String, JsonNode>> current,
      boolean last) {
    List<String> ranked = new ArrayList<>(metrics.keySet());
    ranked.sort(Comparator.comparingDouble((String m) -> better(metrics.get(m))).reversed()
        .thenComparing(Comparator.naturalOrder()));
    int n = ranked.size();
    int tail = last ? 0 : (int) Math.floor(settings.quantile() * n);
    List<String> top = ranked.subList(0, tail);
    Rng rng = Rng.derive(settings.seed(), "pbt-generation-" + generation);
    Map<String, Verdict> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String m = ranked.get(i);
      if (last) {
        out.put(m, new Verdict(m, Decision.COMPLETE, "", current.get(m)));
      } else if (i >= n - tail) {
        String parent = top.get(rng.nextInt(top.size()));
        out.put(m, new Verdict(m, Decision.EXPLOIT, parent, explore(current.get(parent), rng)));
      } else {
        out.put(m, new Verdict(m, Decision.CONTINUE, "", current.get(m)));
      }
    }
    return new ArrayList<>(out.values());
  }

  /** A member's metric turned so that larger is better; NaN ranks last. */
  private double better(double metric) {
    if (Double.isNaN(metric)) {
      return Double.NEGATIVE_INFINITY;
    }
    return settings.mode() == SchedulerSettings.Mode.MAX ? metric : -metric;
  }

  private Map<String, JsonNode> explore(Map<String, JsonNode> parent, Rng rng) {
    Map<String, JsonNode> after = new LinkedHashMap<>(parent);
    for (String key : settings.keys()) {
      Distribution d = settings.resample().get(key);
      List<Double> factors = settings.perturb().get(key);
      double draw = rng.nextDouble();
      if (d != null && draw < settings.resampleProbability()) {
        after.put(key, d.sample(rng));
      } else if (factors != null) {
        JsonNode v = parent.get(key);
        double scaled = v.asDouble() * factors.get(rng.nextInt(factors.size()));
        after.put(key, v.isIntegralNumber() ? LongNode.valueOf(Math.max(1, Math.round(scaled)))
            : DoubleNode.valueOf(scaled));
      }
    }
    return after;
  }
}
