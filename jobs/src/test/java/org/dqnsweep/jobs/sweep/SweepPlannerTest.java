package org.dqnsweep.jobs.sweep;

import static org.dqnsweep.jobs.sweep.SweepSpecTest.HOME;
import static org.dqnsweep.jobs.sweep.SweepSpecTest.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.TrialConfig;
import org.junit.jupiter.api.Test;

/** Planning: product size and order, deterministic ids, seeded sampling, per-trial checks, the plan table. */
class SweepPlannerTest {
  private static final String GRID = """
      name: g
      base: pong-smoke
      grid:
        learner.lr: [1.0e-4, 2.5e-4]
        learner.target_sync_every_updates: [500, 1000, 2000]
      seeds: [1, 2]
      """;

  private static List<PlannedTrial> plan(String yaml, String... overrides) {
    return SweepPlanner.plan(spec(yaml, overrides));
  }

  private static void assertPlanError(String keyPath, String fragment, String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> plan(yaml));
    assertEquals(keyPath, e.keyPath(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static List<String> ids(List<PlannedTrial> trials) {
    return trials.stream().map(PlannedTrial::trialId).toList();
  }

  @Test
  void gridIsTheProductInSpecOrderTimesSeeds() {
    List<PlannedTrial> trials = plan(GRID);
    assertEquals(2 * 3 * 2, trials.size());
    List<String> rows = trials.stream().map(t -> t.params() + " " + t.seed()).toList();
    assertEquals(List.of(
        "{learner.lr=1e-4, learner.target_sync_every_updates=500} 1",
        "{learner.lr=1e-4, learner.target_sync_every_updates=500} 2",
        "{learner.lr=1e-4, learner.target_sync_every_updates=1000} 1",
        "{learner.lr=1e-4, learner.target_sync_every_updates=1000} 2",
        "{learner.lr=1e-4, learner.target_sync_every_updates=2000} 1",
        "{learner.lr=1e-4, learner.target_sync_every_updates=2000} 2",
        "{learner.lr=2.5e-4, learner.target_sync_every_updates=500} 1",
        "{learner.lr=2.5e-4, learner.target_sync_every_updates=500} 2",
        "{learner.lr=2.5e-4, learner.target_sync_every_updates=1000} 1",
        "{learner.lr=2.5e-4, learner.target_sync_every_updates=1000} 2",
        "{learner.lr=2.5e-4, learner.target_sync_every_updates=2000} 1",
        "{learner.lr=2.5e-4, learner.target_sync_every_updates=2000} 2"), rows);
  }

  @Test
  void configYamlReadsBackAsTheTrialWithItsSeed() {
    PlannedTrial t = plan(GRID).get(9);
    TrialConfig c = t.config();
    assertEquals(2, c.seed());
    assertEquals(2.5e-4, c.learner().lr());
    assertEquals(1000, c.learner().targetSyncEveryUpdates());
    assertEquals(200, c.learner().learnStartAgentSteps()); // the base's, untouched
    assertTrue(t.trialId().matches("t-[0-9a-f]{10}"), t.trialId());
  }

  @Test
  void subTreeValuesSetOnlyTheirLeavesAndShowAsLeafColumns() {
    List<PlannedTrial> trials = plan("""
        name: eps
        base: pong-smoke
        grid:
          exploration:
            - {schedule: exponential, decay_agent_steps: 300}
            - {schedule: linear, end: 0.1}
        """);
    assertEquals(List.of("exploration.schedule", "exploration.decay_agent_steps", "exploration.end"),
        List.copyOf(trials.get(0).params().keySet()));
    assertEquals(Map.of("exploration.schedule", "linear", "exploration.decay_agent_steps", "300",
        "exploration.end", "0.1"), trials.get(1).params()); // decay 300 comes from pong-smoke
    assertEquals(org.dqnsweep.config.ExplorationConfig.Schedule.LINEAR, trials.get(1).config().exploration().schedule());
    assertEquals(0.05, trials.get(1).config().exploration().evalEpsilon());
  }

  @Test
  void idsAreDeterministicAndChangeOnlyForChangedTrials() {
    List<String> first = ids(plan(GRID));
    assertEquals(first, ids(plan(GRID)));
    assertEquals(first.size(), new HashSet<>(first).size());
    assertEquals(SweepPlanner.sweepId(spec(GRID)), SweepPlanner.sweepId(spec(GRID)));
    assertTrue(SweepPlanner.sweepId(spec(GRID)).matches("g-[0-9a-f]{8}"));

    String changed = GRID.replace("2.5e-4", "3.0e-4");
    List<String> second = ids(plan(changed));
    for (int i = 0; i < first.size(); i++) {
      boolean lrChanged = i >= 6; // the second half has lr 2.5e-4 -> 3e-4
      assertEquals(!lrChanged, first.get(i).equals(second.get(i)), "trial " + i);
    }
    assertNotEquals(SweepPlanner.sweepId(spec(GRID)), SweepPlanner.sweepId(spec(changed)));
  }

  @Test
  void randomSamplesAreSeededWithinBoundsAndSharedByGridCombinations() {
    String yaml = """
        name: r
        base: pong-smoke
        grid: {learner.target_sync_every_updates: [500, 1000]}
        random:
          n: 40
          seed: 7
          params:
            learner.lr: {loguniform: [1.0e-5, 1.0e-3]}
            learner.gamma: {uniform: [0.95, 0.995]}
            learner.double_dqn: {choice: [true, false]}
        """;
    List<PlannedTrial> trials = plan(yaml);
    assertEquals(2 * 40, trials.size());
    assertEquals(ids(trials), ids(plan(yaml)));
    Set<Boolean> doubles = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      TrialConfig a = trials.get(i).config();
      TrialConfig b = trials.get(40 + i).config(); // same sample, next grid value
      assertEquals(a.learner().lr(), b.learner().lr());
      assertTrue(a.learner().lr() >= 1e-5 && a.learner().lr() <= 1e-3, "lr " + a.learner().lr());
      assertTrue(a.learner().gamma() >= 0.95 && a.learner().gamma() < 0.995, "gamma " + a.learner().gamma());
      doubles.add(a.learner().doubleDqn());
    }
    assertEquals(Set.of(true, false), doubles);
    double below1e4 = trials.subList(0, 40).stream().filter(t -> t.config().learner().lr() < 1e-4).count();
    assertTrue(below1e4 >= 8 && below1e4 <= 32, "loguniform puts half the samples below 1e-4, got " + below1e4);
    assertNotEquals(ids(trials), ids(plan(yaml.replace("seed: 7", "seed: 8"))));
  }

  @Test
  void withoutGridOrRandomTheBaseRunsOncePerSeed() {
    List<PlannedTrial> trials = plan("name: b\nbase: pong-smoke\nseeds: [3, 4]\n");
    assertEquals(List.of(3L, 4L), trials.stream().map(PlannedTrial::seed).toList());
    assertTrue(trials.get(0).params().isEmpty());
  }

  @Test
  void sweptKeysMustBeTrialConfigKeysWithPossibleValues() {
    assertPlanError("grid.learner.lrr", "did you mean 'lr'?", "name: x\nbase: pong-smoke\n"
        + "grid: {learner.lrr: [1.0e-4]}\n");
    assertPlanError("grid.learner.lr", "must be in (0, 1)", "name: x\nbase: pong-smoke\n"
        + "grid: {learner.lr: [1.0e-4, 2.0]}\n");
    assertPlanError("grid.learner.lr", "learner.lr=2.0, seed 1", "name: x\nbase: pong-smoke\n"
        + "grid: {learner.lr: [1.0e-4, 2.0]}\n");
    assertPlanError("grid.exploration.schedul", "did you mean 'schedule'?", "name: x\nbase: pong-smoke\n"
        + "grid: {exploration: [{schedul: linear}]}\n");
    assertPlanError("grid.learner.lr", "not a section", "name: x\nbase: pong-smoke\n"
        + "grid: {learner.lr: [{value: 1.0e-4}]}\n");
    assertPlanError("random.params.learner.batch_size", "expected a whole number", "name: x\nbase: pong-smoke\n"
        + "random: {n: 1, params: {learner.batch_size: {uniform: [16.5, 64.5]}}}\n");
    // A value possible alone but not with the base: the key the trial config names, and the combination.
    assertPlanError("replay.capacity", "learner.batch_size=4096", "name: x\nbase: pong-smoke\n"
        + "grid: {learner.batch_size: [32, 4096]}\n");
  }

  @Test
  void duplicateTrialsAreRejected() {
    assertPlanError("grid.learner.lr", "values 1 and 3 give the same trial", "name: x\nbase: pong-smoke\n"
        + "grid: {learner.lr: [1.0e-4, 2.5e-4, 0.0001]}\n");
    assertPlanError("random.n", "give the same trial", "name: x\nbase: pong-smoke\n"
        + "random: {n: 3, params: {learner.double_dqn: {choice: [true, false]}}}\n");
  }

  @Test
  void faultsMustNameAPlannedTrial() {
    String yaml = GRID + "faults: [{trial: %s, fail_at_step: 100}]\n";
    assertPlanError("faults[0].trial", "no trial 't-0000000000' in the plan", yaml.formatted("t-0000000000"));
    String real = plan(GRID).get(3).trialId();
    assertEquals(12, plan(yaml.formatted(real)).size());
  }

  @Test
  void plannedTrialsSurviveJavaSerialization() throws Exception {
    PlannedTrial t = plan(GRID).get(0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(t);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(t, in.readObject());
    }
  }

  @Test
  void planTableHasTheSweepIdAndOneAlignedRowPerTrial() {
    SweepSpec s = spec(GRID);
    List<PlannedTrial> trials = SweepPlanner.plan(s);
    String[] lines = SweepPlanner.planTable(s, trials).split("\n");
    assertEquals("sweep " + SweepPlanner.sweepId(s) + ": 12 trials (grid 6 x seeds 2), base pong-smoke", lines[0]);
    assertTrue(lines[1].matches("trial_id\\s+seed\\s+learner\\.lr\\s+learner\\.target_sync_every_updates"), lines[1]);
    assertEquals(1 + 1 + 12, lines.length);
    int lrColumn = lines[1].indexOf("learner.lr");
    for (int i = 0; i < trials.size(); i++) {
      PlannedTrial t = trials.get(i);
      assertTrue(lines[2 + i].startsWith(t.trialId() + "  " + t.seed()), lines[2 + i]);
      assertEquals(t.params().get("learner.lr"), lines[2 + i].substring(lrColumn).split("\\s+")[0]);
    }
  }

  @Test
  void exampleSpecsLoadAndPlan() {
    SweepSpec quick = SweepSpec.load(HOME.resolve("conf/sweeps/quickstart.yaml"), List.of());
    List<PlannedTrial> quickTrials = SweepPlanner.plan(quick);
    assertEquals(8, quickTrials.size());
    for (PlannedTrial t : quickTrials) {
      assertTrue(t.config().trainer().maxAgentSteps() <= 2000, "quickstart trials stay tiny");
    }
    assertEquals(Set.of("exponential", "linear"),
        Set.copyOf(quickTrials.stream().map(t -> t.params().get("exploration.schedule")).toList()));

    SweepSpec full = SweepSpec.load(HOME.resolve("conf/sweeps/pong-lr-target-eps.yaml"), List.of());
    List<PlannedTrial> fullTrials = SweepPlanner.plan(full);
    assertEquals(3 * 2 * 2 * 3, fullTrials.size());
    assertEquals("learner.lr", fullTrials.get(0).params().keySet().iterator().next());
    assertEquals("6.25e-5", fullTrials.get(0).params().get("learner.lr"));
    assertEquals(4, fullTrials.get(0).config().env().frameStack()); // pong-nature
    assertEquals(new Transitions(TransitionFrames.EVERY_N, 10000), full.transitions());
    assertTrue(SweepPlanner.planTable(full, fullTrials).startsWith("sweep pong-lr-target-eps-"));
  }
}
