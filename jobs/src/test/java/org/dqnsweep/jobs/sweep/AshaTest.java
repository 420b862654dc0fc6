package org.dqnsweep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ASHA's rungs and decisions (pausing variant), without Spark. */
class AshaTest {
  private static Asha asha(SchedulerSettings.Mode mode, long min, long max, double eta) {
    return new Asha(new AshaSettings(SchedulerSettings.Metric.EVAL_RETURN, mode, min, max, eta));
  }

  @Test
  void rungsGrowByTheReductionFactorAndEndAtTheMaximum() {
    assertEquals(List.of(100L, 300L, 900L, 2700L), asha(SchedulerSettings.Mode.MAX, 100, 2700, 3).rungs());
    assertEquals(List.of(100L, 300L, 900L, 1000L), asha(SchedulerSettings.Mode.MAX, 100, 1000, 3).rungs());
    assertEquals(List.of(10_000L, 25_000L, 62_500L, 100_000L), asha(SchedulerSettings.Mode.MAX, 10_000, 100_000,
        2.5).rungs());
  }

  @Test
  void trialsWaitAtTheirRungUntilTheyAreInItsTopThird() {
    Asha a = asha(SchedulerSettings.Mode.MAX, 100, 900, 3);
    assertEquals(Asha.Decision.PAUSE, a.record("a", 0, 10, false), "one trial is no top third");
    assertTrue(a.promotions().isEmpty());
    a.record("b", 0, 5, false);
    assertTrue(a.promotions().isEmpty(), "floor(2 / 3) = 0");
    a.record("c", 0, 7, false);
    assertEquals(List.of(new Asha.Promotion("a", 0, 10)), a.promotions(), "the best of three, which waited");
    a.record("d", 0, Double.NaN, false);
    a.record("e", 0, 8, false);
    assertTrue(a.promotions().isEmpty(), "the top 1 of 5 was promoted already");
    a.record("f", 0, 9, false);
    assertEquals(List.of(new Asha.Promotion("f", 0, 9)), a.promotions(), "the second best once there are 6");
    assertTrue(a.paused("b", 0) && !a.paused("a", 0) && !a.paused("f", 0));
    a.record("a", 1, 50, false);
    a.record("f", 1, 60, false);
    a.record("x", 1, 1, false);
    assertEquals(List.of(new Asha.Promotion("f", 1, 60)), a.promotions());
    assertEquals(Asha.Decision.COMPLETE, a.record("f", 2, 70, false), "the last rung ends every trial");
  }

  @Test
  void minModePrefersSmallerMetricsAndAReachedTargetCompletes() {
    Asha a = asha(SchedulerSettings.Mode.MIN, 100, 900, 2);
    a.record("a", 0, 5, false);
    assertEquals(Asha.Decision.COMPLETE, a.record("b", 0, 1, true), "met its return target before the rung");
    assertTrue(a.promotions().isEmpty(), "the top 1 of 2 (b) has ended");
    a.record("c", 0, 3, false);
    a.record("d", 0, 9, false);
    assertEquals(List.of(new Asha.Promotion("c", 0, 3)), a.promotions(), "top 2 of 4 by the smallest: b, c");
  }

  @Test
  void replayingTheRecordedDecisionsRebuildsTheSameState() {
    Random r = new Random(3);
    Asha first = asha(SchedulerSettings.Mode.MAX, 100, 2700, 3);
    List<Object[]> rows = new ArrayList<>(); // trial, rung, metric, final decision
    List<String> live = new ArrayList<>(List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"));
    for (String t : live) {
      double m = r.nextGaussian();
      first.record(t, 0, m, false);
      rows.add(new Object[] {t, 0, m, Asha.Decision.PAUSE});
      for (Asha.Promotion p : first.promotions()) {
        rows.stream().filter(x -> x[0].equals(p.trial()) && (int) x[1] == p.rung()).forEach(x -> x[3] =
            Asha.Decision.PROMOTE);
      }
    }
    Asha replayed = asha(SchedulerSettings.Mode.MAX, 100, 2700, 3);
    java.util.Collections.reverse(rows); // any order
    rows.forEach(x -> replayed.replay((String) x[0], (int) x[1], (double) x[2], (Asha.Decision) x[3]));
    for (String t : live) {
      assertEquals(first.paused(t, 0), replayed.paused(t, 0), t);
    }
    assertEquals(3, rows.stream().filter(x -> x[3] == Asha.Decision.PROMOTE).count(), "the top 3 of 9");
    double m = 10;
    first.record("new", 0, m, false);
    replayed.record("new", 0, m, false);
    assertEquals(first.promotions(), replayed.promotions());
    assertFalse(replayed.paused("new", 0), "10 is the best: promoted at once");
  }
}
