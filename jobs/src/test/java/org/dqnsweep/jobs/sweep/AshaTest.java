package org.dqnsweep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ASHA's rungs and decisions, without Spark. */
class AshaTest {
  private static Asha asha(AshaSettings.Mode mode, long min, long max, double eta) {
    return new Asha(new AshaSettings(AshaSettings.Metric.EVAL_RETURN, mode, min, max, eta));
  }

  @Test
  void rungsGrowByTheReductionFactorAndEndAtTheMaximum() {
    assertEquals(List.of(100L, 300L, 900L, 2700L), asha(AshaSettings.Mode.MAX, 100, 2700, 3).rungs());
    assertEquals(List.of(100L, 300L, 900L, 1000L), asha(AshaSettings.Mode.MAX, 100, 1000, 3).rungs());
    assertEquals(List.of(10_000L, 25_000L, 62_500L, 100_000L), asha(AshaSettings.Mode.MAX, 10_000, 100_000, 2.5)
        .rungs());
  }

  @Test
  void aTrialGoesOnOnlyIfItIsInTheTopThirdOfTheRungSoFar() {
    Asha a = asha(AshaSettings.Mode.MAX, 100, 900, 3);
    assertEquals(Asha.Decision.PROMOTE, a.decide(0, 10, false).decision(), "the first at a rung has no rival");
    assertTrue(Double.isNaN(a.decide(1, 50, false).cutoff()));
    assertEquals(Asha.Decision.PROMOTE, a.decide(0, 20, false).decision());
    // recorded at rung 0: 10, 20; the top third starts at their 2/3 quantile, 16.67
    Asha.Verdict v = a.decide(0, 15, false);
    assertEquals(Asha.Decision.PRUNE, v.decision());
    assertEquals(10 + (20 - 10) * 2.0 / 3, v.cutoff(), 1e-9);
    // recorded: 10, 15, 20: the cutoff is 16.67 again
    assertEquals(Asha.Decision.PROMOTE, a.decide(0, 17, false).decision());
    assertEquals(Asha.Decision.PRUNE, a.decide(0, Double.NaN, false).decision(), "no metric never beats a cutoff");
  }

  @Test
  void minModePrefersSmallerMetrics() {
    Asha a = asha(AshaSettings.Mode.MIN, 100, 900, 2);
    a.decide(0, 5, false);
    a.decide(0, 9, false);
    assertEquals(Asha.Decision.PRUNE, a.decide(0, 8, false).decision(), "the median of 5 and 9 is 7");
    assertEquals(Asha.Decision.PROMOTE, a.decide(0, 6, false).decision());
  }

  @Test
  void theLastRungAndAReachedTargetComplete() {
    Asha a = asha(AshaSettings.Mode.MAX, 100, 300, 3);
    a.decide(0, 100, false);
    assertEquals(Asha.Decision.COMPLETE, a.decide(0, 5, true).decision(), "met its return target before the rung");
    assertEquals(Asha.Decision.COMPLETE, a.decide(1, -100, false).decision(), "the last rung ends every trial");
  }

  @Test
  void replayingTheRecordedDecisionsRebuildsTheSameState() {
    Random r = new Random(3);
    List<double[]> arrivals = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      arrivals.add(new double[] {r.nextInt(3), r.nextGaussian()});
    }
    Asha first = asha(AshaSettings.Mode.MAX, 100, 2700, 3);
    List<Asha.Verdict> made = new ArrayList<>();
    for (double[] x : arrivals) {
      made.add(first.decide((int) x[0], x[1], false));
    }
    // a driver that recorded the first 25, died, and replays them before deciding the rest
    Asha replayed = asha(AshaSettings.Mode.MAX, 100, 2700, 3);
    for (int i = 0; i < 25; i++) {
      replayed.decide((int) arrivals.get(i)[0], arrivals.get(i)[1], false);
    }
    for (int i = 25; i < arrivals.size(); i++) {
      assertEquals(made.get(i), replayed.decide((int) arrivals.get(i)[0], arrivals.get(i)[1], false), "decision " + i);
    }
    assertTrue(made.stream().anyMatch(v -> v.decision() == Asha.Decision.PRUNE));
    assertTrue(made.stream().anyMatch(v -> v.decision() == Asha.Decision.PROMOTE));
  }
}
