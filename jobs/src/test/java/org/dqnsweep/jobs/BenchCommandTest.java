package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark commands print their figures as parseable name=value lines (tiny sizes: not a speed test). */
class BenchCommandTest {

  private static Map<String, Double> figures(String... args) {
    CliRunner.Run run = CliRunner.run(args);
    assertEquals(0, run.code(), run.out() + run.err());
    return figures(run);
  }

  private static Map<String, Double> figures(CliRunner.Run run) {
    Map<String, Double> f = new LinkedHashMap<>();
    for (String line : run.out().split("\n")) {
      if (line.matches("[a-z0-9_]+=[-0-9.]+")) {
        String[] kv = line.split("=");
        f.put(kv[0], Double.parseDouble(kv[1]));
      }
    }
    return f;
  }

  @Test
  void envBenchPrintsRatesAndAConsistentOverhead() {
    // with one round the median ratio is the ratio of the two rates
    Map<String, Double> f = figures("bench", "env", "--steps", "200", "--rounds", "1");
    assertTrue(f.get("raw_frames_per_s") > 0);
    assertTrue(f.get("agent_steps_per_s") > 0);
    double expected = (1 / f.get("agent_steps_per_s")) / (4 / f.get("raw_frames_per_s"));
    assertEquals(expected, f.get("wrapper_overhead"), expected * 0.01);
  }

  @Test
  void envBenchReferenceRunsThePythonSide() {
    Map<String, Double> f = figures("bench", "env", "--steps", "200", "--rounds", "1", "--reference");
    assertTrue(f.get("reference_agent_steps_per_s") > 0);
    assertEquals(f.get("agent_steps_per_s") / f.get("reference_agent_steps_per_s"), f.get("speedup"), 0.01 * f.get("speedup"));
  }

  @Test
  void replayBenchMeasuresAboutAFramePerTransition() {
    Map<String, Double> f = figures("bench", "replay", "--capacity", "20000", "--samples", "500");
    double perTransition = f.get("replay_bytes_per_transition");
    assertTrue(perTransition >= 84 * 84 && perTransition < 84 * 84 * 1.1, "bytes per transition " + perTransition);
    assertTrue(f.get("replay_sample_batch32_us") > 0);
    assertTrue(f.get("replay_sample_scaled_batch32_us") > 0, "the trainer's CPU format is timed too");
  }

  @Test
  void learnerBenchPrintsStepAndActTimesAndMemory() {
    Map<String, Double> f = figures("bench", "learner", "--steps", "3", "--acts", "5", "--rounds", "3", "--threads", "1",
        "--batch", "2", "--stack", "1", "--jit-quiet-s", "0", "--memory-updates", "1005");
    assertTrue(f.get("train_step_ms") > f.get("act_ms"), f.toString());
    assertTrue(f.get("rss_mb_after_1k_updates") > 0);
    assertTrue(f.get("rss_mb_after_1005_updates") > 0);
  }

  @Test
  void learnerBenchProfilesUpdatesAndKeepsItsTrace(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("profile");
    Map<String, Double> f = figures("bench", "learner", "--steps", "3", "--acts", "5", "--rounds", "1", "--threads",
        "1", "--batch", "2", "--stack", "1", "--jit-quiet-s", "0", "--profile", out.toString());
    assertTrue(Files.size(out.resolve("ours.json")) > 0);
    assertTrue(f.get("profile_ops_us") > 0, f.toString());
    assertEquals(f.get("profile_update_us"), f.get("profile_ops_us") + f.get("profile_outside_ops_us"),
        0.01 * f.get("profile_update_us"));
    // a second run into the same folder would overwrite the trace: refused before any work
    CliRunner.Run again = CliRunner.run("bench", "learner", "--profile", out.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("error: --profile"), again.err());
    CliRunner.Run onFile = CliRunner.run("bench", "learner", "--profile", out.resolve("ours.json").toString());
    assertEquals(2, onFile.code());
    assertTrue(onFile.err().contains("is a file"), onFile.err());
  }

  @Test
  void trainBenchComparesTheLoopWithItsParts() {
    CliRunner.Run run = cartPoleTrainBench(300, 3, 2);
    // the figure is the median of the per-segment efficiencies, each segment paired with its own parts timing
    java.util.List<Double> perSegment = java.util.regex.Pattern.compile("efficiency ([0-9.]+),").matcher(run.out())
        .results().map(m -> Double.parseDouble(m.group(1))).sorted().toList();
    assertEquals(3, perSegment.size(), run.out());
    Map<String, Double> f = figures(run);
    assertTrue(f.get("train_agent_steps_per_s") > 0);
    assertTrue(f.get("learner_bound_steps_per_s") > 0);
    assertEquals(perSegment.get(1), f.get("loop_efficiency"), 0.001 + 0.001 * perSegment.get(1));
    // the kernel's counters over the timed steps (Linux): the loop keeps at least its own thread busy, at most
    // every core
    int cores = Runtime.getRuntime().availableProcessors();
    assertTrue(f.get("loop_cores_busy") > 0.3 && f.get("loop_cores_busy") <= cores + 0.2, f.toString());
    assertTrue(f.get("page_faults_per_step") >= 0, f.toString());
    assertTrue(f.get("context_switches_per_step") >= 0, f.toString());
    // /proc/stat exists here: the hypervisor's share of the machine while the loop ran is a fraction
    assertTrue(f.get("host_steal_share") >= 0 && f.get("host_steal_share") < 1, f.toString());
    assertTrue(f.get("sample_after_env_ms") > 0, f.toString());
    assertTrue(f.get("train_step_after_env_ms") > 0, f.toString());
    assertTrue(f.get("loop_efficiency_after_env") > 0, f.toString());
    // the loop's own steps, split by whether an update ran between them: an update costs more than a CartPole step
    assertTrue(f.get("loop_update_ms") > f.get("loop_step_without_update_ms"), f.toString());
    assertTrue(f.get("loop_step_without_update_ms") > 0, f.toString());
  }

  @Test
  void trainBenchWithAnUpdateEveryStepLeavesOutTheStepWithoutOne() {
    CliRunner.Run run = cartPoleTrainBench(200, 2, 1);
    // no step of the loop runs without an update: nothing to print for one, rather than NaN
    assertFalse(run.out().contains("NaN"), run.out());
    Map<String, Double> f = figures(run);
    assertFalse(f.containsKey("loop_step_without_update_ms"), f.toString());
    assertTrue(f.get("loop_update_ms") > 0, f.toString());
  }

  @Test
  void trainBenchReferenceRunsTheSameLoopInPyTorchSegmentBySegment() {
    CliRunner.Run run = CliRunner.run("bench", "train", "--config", preset("pong-smoke.yaml"), "--steps", "80",
        "--segments", "2", "--learn-start", "100", "--warm-up-steps", "20", "--set", "network.type=nips_cnn",
        "--reference");
    assertEquals(0, run.code(), run.out() + run.err());
    // each segment line ends with the reference's segment run right after it and the pair's ratio
    java.util.List<Double> pairs = java.util.regex.Pattern.compile("then PyTorch [0-9.]+ steps/s \\(update "
        + "[0-9.]+ ms, host steal [0-9.]+%\\): ours ([0-9.]+)x").matcher(run.out()).results()
        .map(m -> Double.parseDouble(m.group(1))).sorted().toList();
    assertEquals(2, pairs.size(), run.out());
    Map<String, Double> f = figures(run);
    assertTrue(f.get("reference_agent_steps_per_s") > 0, f.toString());
    assertTrue(f.get("reference_train_step_ms") > 0, f.toString());
    // the figure is the median of the pairs' ratios (each pair ran within seconds), not a ratio of medians
    assertEquals((pairs.get(0) + pairs.get(1)) / 2, f.get("speedup"), 0.002 + 0.001 * f.get("speedup"), run.out());
    // the reference says what it ran: its untimed steps, its replay (not capped here), the game's actions
    assertTrue(run.out().contains("# reference: 120 untimed agent steps, replay capacity 2,000, 6 actions"),
        run.out());
  }

  @Test
  void trainBenchReferenceRefusesANonAtariGameBeforeAnyWork() {
    CliRunner.Run cartPole = CliRunner.run("bench", "train", "--config", preset("cartpole.yaml"), "--reference");
    assertEquals(2, cartPole.code(), cartPole.out() + cartPole.err());
    assertTrue(cartPole.err().startsWith("error: ") && cartPole.err().contains("ALE games only"), cartPole.err());
    assertFalse(cartPole.out().contains("# segment"), cartPole.out());
  }

  @Test
  void envBenchRefusesTooFewStepsWithOneLine() {
    CliRunner.Run run = CliRunner.run("bench", "env", "--steps", "10");
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().startsWith("error: --steps: must be at least 100, got 10"), run.err());
  }

  @Test
  void trainBenchSaysWhenTheRunStoppedBeforeItsFirstSegment() {
    // random CartPole games last about 20 steps: a mean of 5 stops the run during its warm-up
    CliRunner.Run run = CliRunner.run("bench", "train", "--config", preset("cartpole.yaml"), "--steps", "100",
        "--segments", "2", "--learn-start", "100", "--warm-up-steps", "5000", "--set", "trainer.stop_mean10_above=5");
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().startsWith("error: --warm-up-steps: the run ended before its first timed segment"),
        run.err());
  }

  @Test
  void trainBenchRefusesTooFewStepsWithOneLine() {
    CliRunner.Run run = CliRunner.run("bench", "train", "--config", preset("cartpole.yaml"), "--steps", "3",
        "--segments", "4");
    assertEquals(2, run.code(), run.out() + run.err());
    assertTrue(run.err().startsWith("error: --steps: must be at least --segments (4), got 3"), run.err());
    assertFalse(run.err().contains("\tat "), run.err()); // no stack trace
    CliRunner.Run noSegments = CliRunner.run("bench", "train", "--config", preset("cartpole.yaml"), "--segments",
        "0");
    assertEquals(2, noSegments.code(), noSegments.out() + noSegments.err());
    assertTrue(noSegments.err().startsWith("error: --segments: must be at least 1, got 0"), noSegments.err());
  }

  /** A trial preset of conf/trials, by file name. */
  private static String preset(String file) {
    return Path.of(System.getProperty("dqn.home", "..")).resolve("conf/trials").resolve(file).toString();
  }

  /** {@code bench train} on the cartpole preset, short; asserts it exits 0. */
  private static CliRunner.Run cartPoleTrainBench(int steps, int segments, int trainEvery) {
    CliRunner.Run run = CliRunner.run("bench", "train", "--config", preset("cartpole.yaml"), "--steps",
        Integer.toString(steps), "--segments", Integer.toString(segments), "--learn-start", "100", "--warm-up-steps",
        "50", "--set", "learner.train_every_agent_steps=" + trainEvery);
    assertEquals(0, run.code(), run.out() + run.err());
    return run;
  }

  @Test
  void unknownGameFailsWithTheRomErrorAndExitCodeTwo() {
    assertEquals(2, Cli.run("bench", "env", "--game", "NoSuchGame", "--steps", "200"));
  }
}
