package org.dqnsweep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PBT's generations and decisions, without Spark. */
class PbtTest {
  private static PbtSettings settings(double quantile, double resampleProbability) {
    return new PbtSettings(SchedulerSettings.Metric.EVAL_RETURN, SchedulerSettings.Mode.MAX, 200, 700, quantile,
        Map.of("learner.lr", List.of(0.8, 1.2), "learner.target_sync_every_updates", List.of(0.5, 2.0)),
        Map.of("learner.lr", new Distribution.Uniform(1.0, 2.0)), resampleProbability, 7);
  }

  private static Map<String, Map<String, JsonNode>> settingsOf(String... members) {
    Map<String, Map<String, JsonNode>> out = new LinkedHashMap<>();
    for (int i = 0; i < members.length; i++) {
      Map<String, JsonNode> s = new LinkedHashMap<>();
      s.put("learner.lr", DoubleNode.valueOf(0.001 * (i + 1)));
      s.put("learner.target_sync_every_updates", LongNode.valueOf(100L * (i + 1)));
      out.put(members[i], s);
    }
    return out;
  }

  @Test
  void generationsEndEveryIntervalAndAtTheMaximum() {
    assertEquals(List.of(200L, 400L, 600L, 700L), settings(0.25, 0).generations());
  }

  @Test
  void theBottomQuarterCopiesTheTopQuarterAndPerturbsItsSettings() {
    Pbt pbt = new Pbt(settings(0.25, 0));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("a", 10.0);
    metrics.put("b", 50.0);
    metrics.put("c", Double.NaN);
    metrics.put("d", 30.0);
    Map<String, Map<String, JsonNode>> current = settingsOf("a", "b", "c", "d");
    List<Pbt.Verdict> v = pbt.decide(0, metrics, current, false);
    assertEquals(List.of("b", "d", "a", "c"), v.stream().map(Pbt.Verdict::member).toList(), "best first, NaN last");
    assertEquals(List.of(Pbt.Decision.CONTINUE, Pbt.Decision.CONTINUE, Pbt.Decision.CONTINUE,
        Pbt.Decision.EXPLOIT), v.stream().map(Pbt.Verdict::decision).toList());
    Pbt.Verdict exploit = v.get(3);
    assertEquals("b", exploit.parent(), "the top quarter of four is the best one");
    double lr = exploit.after().get("learner.lr").asDouble();
    assertTrue(Math.abs(lr - 0.002 * 0.8) < 1e-12 || Math.abs(lr - 0.002 * 1.2) < 1e-12, "perturbed: " + lr);
    long sync = exploit.after().get("learner.target_sync_every_updates").asLong();
    assertTrue(exploit.after().get("learner.target_sync_every_updates").isIntegralNumber() && (sync == 100
        || sync == 400), "an integer setting stays an integer: " + sync);
    assertEquals(current.get("a"), v.get(2).after(), "a continuing member keeps its settings");
    assertEquals(v, pbt.decide(0, metrics, current, false), "deciding a generation again gives the same");
  }

  @Test
  void resamplingReplacesThePerturbationWithItsProbabilityAndTheLastGenerationCompletes() {
    Pbt always = new Pbt(settings(0.5, 1.0));
    Map<String, Double> metrics = Map.of("a", 1.0, "b", 2.0);
    List<Pbt.Verdict> v = always.decide(1, new LinkedHashMap<>(metrics), settingsOf("a", "b"), false);
    double lr = v.get(1).after().get("learner.lr").asDouble();
    assertTrue(lr >= 1.0 && lr < 2.0, "drawn from uniform [1, 2): " + lr);
    assertTrue(always.decide(3, new LinkedHashMap<>(metrics), settingsOf("a", "b"), true).stream()
        .allMatch(x -> x.decision() == Pbt.Decision.COMPLETE && x.parent().isEmpty()));
  }
}
