package org.dqnsweep.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.storage.LocalStorage;
import org.dqnsweep.util.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final Path TRIALS = Path.of(System.getProperty("dqn.home", "..")).resolve("conf/trials");

  @BeforeAll
  static void torch() {
    Torch.select(DeviceSetting.CPU, 1); // fixed thread count: results are reproducible bit for bit
  }

  /** Records what a run reports; can crash the run at a given step, as a killed task would. */
  static final class Recorder implements TrialListener {
    final List<Transition> transitions = new ArrayList<>();
    final List<TrainInterval> intervals = new ArrayList<>();
    final List<Episode> episodes = new ArrayList<>();
    final List<Evaluation> evaluations = new ArrayList<>();
    final List<Checkpoint> checkpoints = new ArrayList<>();
    long crashAt = -1;

    @Override
    public void onTransition(Transition t) {
      if (t.step() == crashAt) {
        throw new IllegalStateException("injected crash at step " + crashAt);
      }
      transitions.add(t);
    }

    @Override
    public void onTrainInterval(TrainInterval t) {
      intervals.add(t);
    }

    @Override
    public void onEpisode(Episode e) {
      episodes.add(e);
    }

    @Override
    public void onEvaluation(Evaluation e) {
      evaluations.add(e);
    }

    @Override
    public void onCheckpoint(Checkpoint c) {
      checkpoints.add(c);
    }
  }

  private static TrialConfig load(String preset, String... sets) {
    return TrialConfig.load(TRIALS.resolve(preset), List.of(sets));
  }

  private static Recorder run(TrialConfig c, Path dir, boolean resume, long crashAt) throws IOException {
    Recorder r = new Recorder();
    r.crashAt = crashAt;
    try (Trainer t = new Trainer(c, Device.cpu(), new LocalStorage(dir), resume, r)) {
      t.run();
    }
    return r;
  }

  @Test
  void cartPoleResumedAfterACrashRepeatsTheUninterruptedRun(@TempDir Path dir) throws IOException {
    // CartPole's MLP runs on MKL's gemm, whose last bits may differ between processes on some CPUs (see
    // docs/design.md, "Exact resume"), so Q-values and losses are compared to 5% here; the trajectory exactly.
    TrialConfig c = load("cartpole.yaml", "trainer.max_agent_steps=700", "learner.learn_start_agent_steps=200",
        "trainer.checkpoint_every_agent_steps=400", "trainer.progress_every_agent_steps=100",
        "trainer.eval_every_agent_steps=0", "trainer.eval_episodes=2", "learner.target_sync_every_updates=50");
    assertResume(c, dir, 400, 555, 0.05);
  }

  @Test
  void pongResumedAfterACrashRepeatsTheUninterruptedRun(@TempDir Path dir) throws IOException {
    TrialConfig c = load("pong-smoke.yaml", "trainer.eval_episodes=0");
    assertResume(c, dir, 300, 451, 0);
  }

  /** Resumed transitions equal the uninterrupted run's: actions and the rest exactly, Q and losses to {@code tol}. */
  private static void assertResume(TrialConfig c, Path dir, long checkpointStep, long crashStep, double tol)
      throws IOException {
    Recorder whole = run(c, dir.resolve("whole"), false, -1);
    Path broken = dir.resolve("broken");
    IllegalStateException crash = assertThrows(IllegalStateException.class, () -> run(c, broken, false, crashStep));
    assertTrue(crash.getMessage().contains("injected"));
    Recorder resumed = run(c, broken, true, -1);

    List<TrialListener.Transition> expected = whole.transitions.subList((int) checkpointStep, whole.transitions.size());
    assertEquals(expected.size(), resumed.transitions.size(), "transitions after the checkpoint");
    for (int i = 0; i < expected.size(); i++) {
      TrialListener.Transition e = expected.get(i);
      TrialListener.Transition r = resumed.transitions.get(i);
      String at = "transition " + (checkpointStep + i);
      assertEquals(withoutQ(e), withoutQ(r), at);
      assertClose(e.qTaken(), r.qTaken(), tol, at);
    }
    List<Double> expectedLosses = new ArrayList<>();
    for (TrialListener.TrainInterval t : whole.intervals) {
      if (t.step() > checkpointStep) {
        expectedLosses.add(t.loss());
      }
    }
    List<Double> losses = resumed.intervals.stream().map(TrialListener.TrainInterval::loss).toList();
    assertEquals(expectedLosses.size(), losses.size(), "intervals after the checkpoint");
    for (int i = 0; i < losses.size(); i++) {
      assertClose(expectedLosses.get(i), losses.get(i), tol, "interval loss " + i);
    }
    assertFalse(losses.stream().allMatch(l -> Double.isNaN(l)), "the resumed part trained");
    assertEquals(whole.evaluations.size(), resumed.evaluations.size());
    for (int i = 0; i < whole.evaluations.size(); i++) {
      assertEquals(whole.evaluations.get(i).mean(), resumed.evaluations.get(i).mean());
    }
  }

  private static TrialListener.Transition withoutQ(TrialListener.Transition t) {
    return new TrialListener.Transition(t.step(), t.episode(), t.action(), t.reward(), t.rawReward(), t.done(),
        t.epsilon(), 0, null);
  }

  /** Equal when both are NaN; otherwise within {@code tol} relative (0: bit for bit). */
  private static void assertClose(double expected, double actual, double tol, String what) {
    if (Double.isNaN(expected) || tol == 0) {
      assertEquals(expected, actual, what);
    } else {
      assertEquals(expected, actual, tol * Math.max(1, Math.abs(expected)), what);
    }
  }

  @Test
  void pongSmokeRunsEndToEndAndReportsEverything(@TempDir Path dir) throws IOException {
    TrialConfig c = load("pong-smoke.yaml", "trainer.max_agent_steps=400");
    Recorder r = run(c, dir, false, -1);
    assertEquals(400, r.transitions.size());
    assertEquals(4, r.intervals.size());
    assertTrue(Double.isNaN(r.intervals.get(0).loss()), "no update before learn_start");
    assertTrue(Double.isFinite(r.intervals.get(3).loss()));
    assertEquals(1, r.evaluations.size(), "one final evaluation game");
    assertTrue(r.evaluations.get(0).mean() >= -21 && r.evaluations.get(0).mean() <= 21);
    assertEquals(List.of(300L, 400L), r.checkpoints.stream().map(TrialListener.Checkpoint::step).toList());
    assertTrue(Files.exists(dir.resolve("LATEST")));
    long random = r.transitions.stream().filter(t -> Double.isNaN(t.qTaken())).count();
    assertTrue(random > 0 && random < 400, "both random and greedy actions: " + random);
  }

  @Test
  void theStopStepIsEvaluatedAndCheckpointedOnceWhenItIsDueForBoth(@TempDir Path dir) throws IOException {
    // every step is due for an evaluation and a checkpoint; the run stops after its 10th game (mean10 > -inf)
    TrialConfig c = load("cartpole.yaml", "trainer.stop_mean10_above=-.inf", "trainer.eval_every_agent_steps=1",
        "trainer.checkpoint_every_agent_steps=1", "trainer.eval_episodes=1", "learner.learn_start_agent_steps=64");
    Recorder r = run(c, dir, false, -1);
    long stop = r.transitions.size();
    assertEquals(10, r.episodes.size(), "stopped at the 10th game");
    List<Long> evals = r.evaluations.stream().map(TrialListener.Evaluation::step).toList();
    List<Long> checkpoints = r.checkpoints.stream().map(TrialListener.Checkpoint::step).toList();
    assertEquals(stop, evals.size(), "one evaluation per step: " + evals.subList(Math.max(0, evals.size() - 3),
        evals.size()));
    assertEquals(evals.stream().distinct().toList(), evals, "no step evaluated twice");
    assertEquals(checkpoints.stream().distinct().toList(), checkpoints, "no step checkpointed twice");
    assertEquals(stop, (long) evals.get(evals.size() - 1));
    assertEquals(stop, (long) checkpoints.get(checkpoints.size() - 1));
  }

  @Test
  void aResumeWithoutTheReplayWaitsForTheReplayToRefillBeforeLearning(@TempDir Path dir) throws IOException {
    TrialConfig c = load("cartpole.yaml", "replay.in_checkpoint=false", "trainer.max_agent_steps=600",
        "learner.learn_start_agent_steps=100", "trainer.checkpoint_every_agent_steps=300",
        "trainer.progress_every_agent_steps=10", "trainer.eval_episodes=0", "trainer.stop_mean10_above=.inf");
    assertThrows(IllegalStateException.class, () -> run(c, dir, false, 350));
    Recorder resumed = run(c, dir, true, -1);
    long updatesAtCheckpoint = 300 - 100 + 1; // one update per agent step, steps 100 to 300
    assertEquals(30, resumed.intervals.size());
    for (TrialListener.TrainInterval t : resumed.intervals) {
      if (t.step() < 400) {
        assertEquals(updatesAtCheckpoint, t.updates(), "no update before the replay holds 100 steps again, step "
            + t.step());
      } else {
        assertEquals(updatesAtCheckpoint + t.step() - 399, t.updates(), "one update per step again, step " + t.step());
      }
    }
  }

  @Test
  void resumeWithAnotherLearnerConfigIsRefused(@TempDir Path dir) throws IOException {
    run(load("cartpole.yaml", "trainer.max_agent_steps=300", "learner.learn_start_agent_steps=100",
        "trainer.eval_episodes=0"), dir, false, -1);
    IOException e = assertThrows(IOException.class, () -> run(load("cartpole.yaml",
        "trainer.max_agent_steps=600", "learner.learn_start_agent_steps=100", "trainer.eval_episodes=0",
        "learner.lr=0.01", "learner.double_dqn=false"), dir, true, -1));
    assertTrue(e.getMessage().contains("another config (learner.double_dqn: true in the checkpoint, false now)"),
        e.getMessage());
    // a longer budget is fine: it only changes trainer settings
    Recorder more = run(load("cartpole.yaml", "trainer.max_agent_steps=600", "learner.learn_start_agent_steps=100",
        "trainer.eval_episodes=0"), dir, true, -1);
    assertEquals(300, more.transitions.size());
    // resuming a finished run does nothing, and reports nothing twice
    Recorder again = run(load("cartpole.yaml", "trainer.max_agent_steps=600", "learner.learn_start_agent_steps=100",
        "trainer.eval_episodes=1"), dir, true, -1);
    assertTrue(again.transitions.isEmpty() && again.evaluations.isEmpty() && again.checkpoints.isEmpty());
  }

  @Test
  void aResumeMayChangeTheSettingsPbtChangesAndTheyTakeEffect(@TempDir Path dir) throws IOException {
    String[] base = {"trainer.max_agent_steps=300", "learner.learn_start_agent_steps=100", "trainer.eval_episodes=0",
        "trainer.checkpoint_every_agent_steps=300"};
    run(load("cartpole.yaml", base), dir.resolve("same"), false, -1);
    run(load("cartpole.yaml", base), dir.resolve("changed"), false, -1);
    String[] longer = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.stream.Stream.of(
        "trainer.max_agent_steps=400")).toArray(String[]::new);
    Recorder same = run(load("cartpole.yaml", longer), dir.resolve("same"), true, -1);
    Recorder changed;
    try (Trainer t = new Trainer(load("cartpole.yaml", java.util.stream.Stream.concat(java.util.Arrays.stream(longer),
        java.util.stream.Stream.of("learner.lr=0.05", "learner.gamma=0.9")).toArray(String[]::new)), Device.cpu(),
        new LocalStorage(dir.resolve("changed")), true, changed = new Recorder())) {
      assertEquals(List.of(new ResumableSettings.Change("learner.gamma", "0.99", "0.9"),
          new ResumableSettings.Change("learner.lr", "5.0E-4", "0.05")), t.changedOnResume());
      t.run();
    }
    assertEquals(100, changed.transitions.size());
    assertEquals(same.transitions.get(0).action(), changed.transitions.get(0).action(), "the same state at resume");
    double sameLoss = same.intervals.get(same.intervals.size() - 1).loss();
    double changedLoss = changed.intervals.get(changed.intervals.size() - 1).loss();
    assertTrue(Math.abs(sameLoss - changedLoss) > 1e-3 * Math.abs(sameLoss), "a 100x learning rate and another "
        + "gamma change the updates: loss " + sameLoss + " and " + changedLoss);
    assertTrue(ResumableSettings.changeable("exploration.decay_agent_steps"));
    assertFalse(ResumableSettings.changeable("learner.batch_size"));
  }

  @Test
  void cartPoleIsSolved(@TempDir Path dir) throws IOException {
    // gymnasium's threshold for CartPole-v1: mean return >= 475 over 100 consecutive episodes
    TrialConfig c = load("cartpole.yaml", "trainer.eval_every_agent_steps=0", "trainer.eval_episodes=100");
    Recorder r = run(c, dir, false, -1);
    TrialListener.Evaluation last = r.evaluations.get(r.evaluations.size() - 1);
    assertEquals(100, last.returns().length);
    assertTrue(last.mean() >= 475, "mean return over 100 greedy games: " + last.mean());
  }
}
