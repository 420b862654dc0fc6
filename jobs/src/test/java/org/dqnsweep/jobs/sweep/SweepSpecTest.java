package org.dqnsweep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dqnsweep.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Reading sweep specs: sections, defaults, overrides, and every spec-level error with its key path. */
class SweepSpecTest {
  static final Path HOME = Path.of(System.getProperty("dqn.home", "..")).toAbsolutePath().normalize();

  static SweepSpec spec(String yaml, String... overrides) {
    return SweepSpec.parse(yaml, "test.yaml", HOME, List.of(overrides));
  }

  /** Asserts that reading {@code yaml} fails at {@code keyPath} with a message containing {@code fragment}. */
  static void assertError(String keyPath, String fragment, String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> spec(yaml));
    assertEquals(keyPath, e.keyPath(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void readsEverySection() {
    SweepSpec s = spec("""
        name: demo
        base: pong-smoke
        grid:
          learner.lr: [1.0e-4, 2.5e-4]
        random:
          n: 4
          seed: 7
          params:
            learner.gamma: {uniform: [0.95, 0.995]}
        seeds: [1, 2]
        transitions: {frames: every_n, every_n: 1000}
        faults:
          - {trial: t-0123456789, fail_at_step: 500}
        """);
    assertEquals("demo", s.name());
    assertEquals("pong-smoke", s.baseName());
    assertEquals(200, s.base().learner().learnStartAgentSteps()); // from conf/trials/pong-smoke.yaml
    assertEquals(List.of("learner.lr"), List.copyOf(s.grid().keySet()));
    assertEquals(new RandomSearch(4, 7, Map.of("learner.gamma", new Distribution.Uniform(0.95, 0.995))),
        s.random().orElseThrow());
    assertEquals(List.of(1L, 2L), s.seeds());
    assertEquals(new Transitions(TransitionFrames.EVERY_N, 1000), s.transitions());
    assertEquals(List.of(new Fault("t-0123456789", 500, 1, false, false)), s.faults());
  }

  @Test
  void setChangesThePresetForEveryTrialAndTheCommandLineComesAfter() {
    SweepSpec s = spec("name: s\nbase: pong-smoke\nset: {trainer.max_agent_steps: 900, learner.lr: 3.0e-4}\n");
    assertEquals(900, s.base().trainer().maxAgentSteps());
    assertEquals(3e-4, s.base().learner().lr());
    assertEquals(200, s.base().learner().learnStartAgentSteps(), "the rest is the preset's");
    SweepSpec cli = SweepSpec.parse("name: s\nbase: pong-smoke\nset: {trainer.max_agent_steps: 900}\n", "t",
        HOME, List.of("base.trainer.max_agent_steps=1200"));
    assertEquals(1200, cli.base().trainer().maxAgentSteps());
    assertError("base.trainer.max_agent_stepz", "did you mean 'max_agent_steps'?",
        "name: s\nbase: pong-smoke\nset: {trainer.max_agent_stepz: 900}\n");
    assertError("set", "expected a mapping", "name: s\nbase: pong-smoke\nset: [1]\n");
  }

  @Test
  void defaultsAreTheBaseAloneOnItsOwnSeedWithoutFrames() {
    SweepSpec s = spec("name: solo\nbase: {seed: 5, learner: {lr: 3.0e-4}}\n");
    assertEquals("inline", s.baseName());
    assertEquals(3e-4, s.base().learner().lr());
    assertTrue(s.grid().isEmpty() && s.random().isEmpty() && s.faults().isEmpty());
    assertEquals(List.of(5L), s.seeds());
    assertEquals(Transitions.NO_FRAMES, s.transitions());
  }

  @Test
  void basePathStartsAtTheProjectRoot() {
    SweepSpec s = spec("name: p\nbase: conf/trials/cartpole.yaml\n");
    assertTrue(s.base().env().isCartPole());
  }

  @Test
  void overridesReachSpecSectionsGridKeysAndTheBase() {
    SweepSpec s = spec("name: o\nbase: pong-smoke\ngrid: {learner.lr: [1.0e-4, 2.5e-4]}\n",
        "grid.learner.lr=[3.0e-4]", "seeds=[4, 5]", "base.trainer.max_agent_steps=100");
    assertEquals(1, s.grid().get("learner.lr").size());
    assertEquals(3e-4, s.grid().get("learner.lr").get(0).doubleValue());
    assertEquals(List.of(4L, 5L), s.seeds());
    assertEquals(100, s.base().trainer().maxAgentSteps());
  }

  @Test
  void unknownKeysAreNamedWithASuggestion() {
    assertError("grdi", "did you mean 'grid'?", "name: x\nbase: pong-smoke\ngrdi: {learner.lr: [1.0e-4]}\n");
    assertError("random.sed", "did you mean 'seed'?",
        "name: x\nbase: pong-smoke\nrandom: {n: 2, sed: 1, params: {learner.lr: {loguniform: [1.0e-5, 1.0e-3]}}}\n");
    assertError("random.params.learner.lr.log_uniform", "did you mean 'loguniform'?",
        "name: x\nbase: pong-smoke\nrandom: {n: 2, params: {learner.lr: {log_uniform: [1.0e-5, 1.0e-3]}}}\n");
    assertError("transitions.frame", "did you mean 'frames'?", "name: x\nbase: pong-smoke\ntransitions: {frame: all}\n");
    assertError("faults[0].fail_at_stp", "did you mean 'fail_at_step'?",
        "name: x\nbase: pong-smoke\nfaults: [{trial: t-0123456789, fail_at_stp: 5}]\n");
    assertError("base.learner.lrr", "did you mean 'lr'?", "name: x\nbase: {learner: {lrr: 1.0e-4}}\n");
  }

  @Test
  void requiredAndMistypedValues() {
    assertError("name", "required", "base: pong-smoke\n");
    assertError("name", "letters, digits", "name: my sweep\nbase: pong-smoke\n");
    assertError("base", "required", "name: x\n");
    assertError("base", "no preset 'pong-smok'", "name: x\nbase: pong-smok\n");
    assertError("base", "file not found", "name: x\nbase: conf/trials/missing.yaml\n");
    assertError("grid.learner.lr", "expected a list of values", "name: x\nbase: pong-smoke\ngrid: {learner.lr: 1.0e-4}\n");
    assertError("random.n", "expected a whole number", "name: x\nbase: pong-smoke\n"
        + "random: {n: many, params: {learner.lr: {loguniform: [1.0e-5, 1.0e-3]}}}\n");
    assertError("seeds", "expected whole numbers", "name: x\nbase: pong-smoke\nseeds: [1, one]\n");
    assertError("faults[0].trial", "required", "name: x\nbase: pong-smoke\nfaults: [{fail_at_step: 5}]\n");
    assertError("transitions.frames", "expected none, all or every_n", "name: x\nbase: pong-smoke\n"
        + "transitions: {frames: some}\n");
  }

  @Test
  void emptyGridListSaysHowToFixIt() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> spec("name: x\nbase: pong-smoke\ngrid: {learner.lr: []}\n"));
    assertEquals("grid.learner.lr: empty list: give at least one value or remove the key", e.getMessage());
  }

  @Test
  void outOfRangeValues() {
    String random = "name: x\nbase: pong-smoke\nrandom: {n: %s, params: {learner.lr: %s}}\n";
    assertError("random.params.learner.lr.loguniform", "must be > 0",
        random.formatted(2, "{loguniform: [0, 1.0e-3]}"));
    assertError("random.params.learner.lr.loguniform", "low must be below high",
        random.formatted(2, "{loguniform: [1.0e-3, 1.0e-5]}"));
    assertError("random.params.learner.lr.uniform", "expected [low, high]", random.formatted(2, "{uniform: [0.1]}"));
    assertError("random.params.learner.lr.choice", "non-empty", random.formatted(2, "{choice: []}"));
    assertError("random.params.learner.lr", "exactly one of", random.formatted(2, "{uniform: [0.1, 0.2], "
        + "loguniform: [0.1, 0.2]}"));
    assertError("random.n", "must be >= 1", random.formatted(0, "{uniform: [0.1, 0.2]}"));
    assertError("seeds", "non-empty", "name: x\nbase: pong-smoke\nseeds: []\n");
    assertError("seeds", "listed twice", "name: x\nbase: pong-smoke\nseeds: [1, 2, 1]\n");
    assertError("faults[0].times", "must be >= 1", "name: x\nbase: pong-smoke\n"
        + "faults: [{trial: t-0123456789, fail_at_step: 5, times: 0}]\n");
    assertError("transitions.every_n", "must be >= 1", "name: x\nbase: pong-smoke\n"
        + "transitions: {frames: every_n, every_n: 0}\n");
  }

  @Test
  void anAshaSchedulerIsReadWithItsDefaultsAndCheckedAgainstTheBase() {
    String base = "name: a\nbase: {env: {game: cartpole, frame_stack: 1}, network: {type: mlp}, "
        + "trainer: {max_agent_steps: 9000, eval_episodes: 2}}\n";
    AshaSettings a = (AshaSettings) spec(base + "scheduler: {type: asha, min_agent_steps: 1000}\n").scheduler().orElseThrow();
    assertEquals(new AshaSettings(AshaSettings.Metric.EVAL_RETURN, AshaSettings.Mode.MAX, 1000, 9000, 3), a);
    assertEquals(List.of(1000L, 3000L, 9000L), a.rungs());
    assertError("scheduler.type", "expected asha", base + "scheduler: {type: hyperband, min_agent_steps: 10}\n");
    assertError("scheduler.min_agent_steps", "required", base + "scheduler: {type: asha}\n");
    assertError("scheduler.max_agent_steps", "beyond the base config's budget", base
        + "scheduler: {type: asha, min_agent_steps: 10, max_agent_steps: 10000}\n");
    assertError("scheduler.reduction_factor", "must be a number > 1", base
        + "scheduler: {type: asha, min_agent_steps: 10, reduction_factor: 1}\n");
    assertError("scheduler.metric", "mean10_return", base
        + "scheduler: {type: asha, min_agent_steps: 10, metric: loss}\n");
    assertError("scheduler.metric", "eval_return needs evaluations", base.replace("eval_episodes: 2",
        "eval_episodes: 0") + "scheduler: {type: asha, min_agent_steps: 10}\n");
    assertError("scheduler.type", "each trial's budget is the scheduler's", base
        + "grid: {trainer.max_agent_steps: [100, 200]}\nscheduler: {type: asha, min_agent_steps: 10}\n");
    assertError("faults", "needs a scheduler", base + "faults: [{stop_driver_after_decisions: 2}]\n");
  }

  @Test
  void aPbtSchedulerChangesOnlySettingsAResumeMayChange() {
    String base = "name: p\nbase: {env: {game: cartpole, frame_stack: 1}, network: {type: mlp}, "
        + "trainer: {max_agent_steps: 1000, eval_episodes: 2}}\ngrid: {learner.lr: [1.0e-3, 3.0e-4]}\n"
        + "seeds: [1, 2]\n";
    PbtSettings p = (PbtSettings) spec(base + "scheduler: {type: pbt, interval_agent_steps: 300, perturb: "
        + "{learner.lr: [0.8, 1.2]}, resample: {exploration.end: {uniform: [0.01, 0.1]}}}\n").scheduler()
        .orElseThrow();
    assertEquals(List.of(300L, 600L, 900L, 1000L), p.generations());
    assertEquals(List.of("learner.lr", "exploration.end"), p.keys());
    assertEquals(0.25, p.quantile());
    String pbt = "scheduler: {type: pbt, interval_agent_steps: 300, perturb: {%s: [0.8, 1.2]}}\n";
    assertError("scheduler.perturb.learner.batch_size", "cannot change mid-run", base
        + pbt.formatted("learner.batch_size"));
    assertError("scheduler.perturb.exploration.schedule", "perturbs numbers only", base
        + pbt.formatted("exploration.schedule"));
    assertError("scheduler.perturb.learner.lrr", "cannot change mid-run", base + pbt.formatted("learner.lrr"));
    assertError("scheduler.perturb", "needs settings to change", base
        + "scheduler: {type: pbt, interval_agent_steps: 300}\n");
    assertError("scheduler.interval_agent_steps", "required", base
        + "scheduler: {type: pbt, perturb: {learner.lr: [0.8]}}\n");
    assertError("scheduler.quantile", "must be in (0, 0.5]", base
        + "scheduler: {type: pbt, interval_agent_steps: 300, quantile: 0.6, perturb: {learner.lr: [0.8]}}\n");
    assertError("scheduler.quantile", "with 4 members the bottom 0.2 is nobody", base
        + "scheduler: {type: pbt, interval_agent_steps: 300, quantile: 0.2, perturb: {learner.lr: [0.8]}}\n");
    assertError("grid.learner.batch_size", "may vary only settings a resume may change", base.replace(
        "learner.lr: [1.0e-3, 3.0e-4]", "learner.batch_size: [16, 32]") + pbt.formatted("learner.lr"));
  }

  @Test
  void conflictingOptions() {
    assertError("random.params.learner.lr", "also swept in grid.learner.lr", "name: x\nbase: pong-smoke\n"
        + "grid: {learner.lr: [1.0e-4]}\nrandom: {n: 2, params: {learner.lr: {loguniform: [1.0e-5, 1.0e-3]}}}\n");
    assertError("grid.exploration.decay_agent_steps", "inside grid.exploration", "name: x\nbase: pong-smoke\n"
        + "grid: {exploration: [{schedule: linear}], exploration.decay_agent_steps: [100, 200]}\n");
    assertError("random.params.exploration.end", "inside grid.exploration", "name: x\nbase: pong-smoke\n"
        + "grid: {exploration: [{schedule: linear}]}\nrandom: {n: 2, params: {exploration.end: {uniform: [0, 0.1]}}}\n");
    assertError("grid.seed", "seeds list", "name: x\nbase: pong-smoke\ngrid: {seed: [1, 2]}\n");
    assertError("transitions.every_n", "only with frames: every_n", "name: x\nbase: pong-smoke\n"
        + "transitions: {frames: all, every_n: 1000}\n");
    assertError("transitions.every_n", "every_n", "name: x\nbase: pong-smoke\n"
        + "transitions: {every_n: 1000}\n");
    assertError("transitions.every_n", "required with frames: every_n", "name: x\nbase: pong-smoke\n"
        + "transitions: {frames: every_n}\n");
  }
}
