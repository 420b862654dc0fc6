package org.dqnsweep.jobs.bench;

import ai.djl.Device;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Envs;
import org.dqnsweep.env.Roms;
import org.dqnsweep.storage.LocalStorage;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.replay.FrameReplayBuffer;
import org.dqnsweep.train.Trainer;
import org.dqnsweep.train.TrialListener;
import org.dqnsweep.util.Rng;
import org.dqnsweep.util.Torch;
import org.dqnsweep.util.Venv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dqn bench train}: the whole training loop on a config, end to end, against the bound its parts allow:
 * an env step, an act, a replay sample and a train step, each timed alone in the same process, give
 * 1 / (env + greedy share * act + (sample + train) / train_every) agent steps per second. The timed steps run in
 * segments; after each one the loop pauses (inside a listener call) while the parts are timed, so every segment
 * is compared with parts measured on the same machine state, and the figures are medians over segments. With
 * {@code --reference} the same loop, settings and step counts run in PyTorch eager as well
 * ({@code scripts/loop_reference.py}: gymnasium + ale-py, a replay of stacked observations), kept warm in its own
 * process and timed segment by segment right after ours, so that each pair of segments sees the same machine: a
 * VM's speed drifts from minute to minute, and two whole runs one after the other compared that drift.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Agent steps/s of the training loop once learning runs, and how close it gets to its parts' bound.")
public final class TrainBench implements Callable<Integer> {
  /** Host steal above this share of the CPU time gets a note under the figures. */
  private static final double STEAL_NOTICE = 0.02;

  @Option(names = "--config", required = true, description = "Trial config, e.g. conf/trials/pong-seed.yaml.")
  Path config;

  @Option(names = "--steps", defaultValue = "3000", description = "Timed agent steps after the warm-up (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--segments", defaultValue = "5", description = "Timed segments, each followed by a timing of the parts (default: ${DEFAULT-VALUE}).")
  int segments;

  @Option(names = "--learn-start", defaultValue = "2000", description = "Agent steps before learning, replacing the config's (default: ${DEFAULT-VALUE}).")
  long learnStart;

  // A JIT still compiling while timed takes the core one of PyTorch's two OpenMP threads needs and stalls the update
  // (docs/benchmarks.md): 1,000 warm-up steps at one update per 4 left 1.9 s of compilation in 38 s timed.
  private static final long WARM_UP_UPDATES = 1500;

  @Option(names = "--warm-up-steps", description = "Agent steps with learning before the timed ones, so the JIT "
      + "has compiled the loop (default: " + WARM_UP_UPDATES + " updates' worth, " + WARM_UP_UPDATES
      + " x learner.train_every_agent_steps).")
  Long warmUpSteps;

  @Option(names = "--set", description = "Override a setting: key.path=value (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--reference", description = "Also run the same loop in PyTorch eager (scripts/loop_reference.py: "
      + "gymnasium + ale-py, replay of stacked observations) with the same settings and step counts, each of its "
      + "timed segments right after ours; ALE games only. Installs torch 2.7.1 into .venv on first use, about 3 GB.")
  boolean reference;

  @Override
  public Integer call() throws Exception {
    ConfigException.require(segments >= 1, "--segments", "must be at least 1, got " + segments);
    ConfigException.require(steps >= segments, "--steps", "must be at least --segments (" + segments + "), got "
        + steps);
    if (warmUpSteps == null) {
      warmUpSteps = WARM_UP_UPDATES * TrialConfig.load(config, overrides).learner().trainEveryAgentSteps();
    }
    List<String> sets = new ArrayList<>(overrides);
    long from = learnStart + warmUpSteps;
    sets.add("learner.learn_start_agent_steps=" + learnStart);
    sets.add("trainer.max_agent_steps=" + (from + steps));
    sets.add("trainer.eval_episodes=0");
    sets.add("trainer.checkpoint_every_agent_steps=0");
    sets.add("trainer.progress_every_agent_steps=" + (from + steps));
    TrialConfig trial = TrialConfig.load(config, sets);
    Path rom = null;
    if (reference) { // refuse before any expensive work
      if (!trial.env().isAtari()) {
        throw new ConfigException("env.game", "bench train --reference runs ALE games only (the reference is "
            + "gymnasium + ale-py), got '" + trial.env().game() + "'");
      }
      rom = Roms.find(trial.env().game(), trial.env().romDir());
      Venv.ensurePackage("torch", "torch==2.7.1");
    }
    Device device = Torch.select(trial.trainer().device(), trial.trainer().threads());
    DqnLearner.cpuKernelsHint(device).ifPresent(System.out::println);
    int threadCount = trial.trainer().threads() == 0 ? Runtime.getRuntime().availableProcessors()
        : trial.trainer().threads();

    long segmentSteps = steps / segments;
    List<Segment> results;
    List<String> referenceNotes = List.of();
    Path dir = java.nio.file.Files.createTempDirectory("dqn-bench-train");
    // The reference runs its untimed steps first, then waits (blocked on its stdin) while ours run.
    try (Venv.Server pytorch = reference ? startReference(trial, rom, device, threadCount,
        segmentSteps * segments) : null;
        Parts parts = new Parts(trial, from + steps, pytorch);
        Trainer trainer = new Trainer(trial, device, new LocalStorage(dir),
            false, new Probe(from, segmentSteps, segments, trial.learner().trainEveryAgentSteps(), parts))) {
      parts.timeUpdatesOn(trainer.policy().learner());
      trainer.run();
      results = parts.results;
      if (pytorch != null) {
        referenceNotes = pytorch.notes();
      }
    } finally {
      deleteTree(dir);
    }
    report(results, trial.learner().trainEveryAgentSteps(), reference, referenceNotes);
    return 0;
  }

  /**
   * Starts scripts/loop_reference.py in serve mode with the trial's resolved settings and this run's learn-start,
   * warm-up and timed step counts; it returns once the reference has run the untimed steps.
   */
  private Venv.Server startReference(TrialConfig trial, Path rom, Device device, int threadCount,
      long timedSteps) {
    var env = trial.env();
    var learner = trial.learner();
    var explore = trial.exploration();
    return Venv.startScript("loop_reference.py", "--serve",
        "--rom", rom.toString(),
        "--noop-max", Integer.toString(env.noopMax()),
        "--frame-skip", Integer.toString(env.frameSkip()),
        "--screen-size", Integer.toString(env.screenSize()),
        "--episodic-life", env.episodicLife() ? "1" : "0",
        "--fire-reset", env.fireReset() ? "1" : "0",
        "--clip-rewards", env.clipRewards() ? "1" : "0",
        "--frame-stack", Integer.toString(env.frameStack()),
        "--max-episode-frames", Long.toString(env.maxEpisodeFrames()),
        "--repeat-action-probability", Double.toString(env.repeatActionProbability()),
        "--network", Configs.word(trial.network().type()),
        "--dueling", trial.network().dueling() ? "1" : "0",
        "--batch", Integer.toString(learner.batchSize()),
        "--lr", Double.toString(learner.lr()),
        "--adam-eps", Double.toString(learner.adamEps()),
        "--gamma", Double.toString(learner.gamma()),
        "--loss", Configs.word(learner.loss()),
        "--huber-delta", Double.toString(learner.huberDelta()),
        "--double-dqn", learner.doubleDqn() ? "1" : "0",
        "--grad-clip", Configs.word(learner.gradClip()),
        "--grad-clip-value", Double.toString(learner.gradClipValue()),
        "--train-every", Integer.toString(learner.trainEveryAgentSteps()),
        "--target-sync", Integer.toString(learner.targetSyncEveryUpdates()),
        "--capacity", Integer.toString(trial.replay().capacity()),
        "--learn-start", Long.toString(learnStart),
        "--eps-schedule", Configs.word(explore.schedule()),
        "--eps-start", Double.toString(explore.start()),
        "--eps-end", Double.toString(explore.end()),
        "--eps-decay", Long.toString(explore.decayAgentSteps()),
        "--seed", Long.toString(trial.seed()),
        "--threads", Integer.toString(threadCount),
        "--device", Device.Type.CPU.equals(device.getDeviceType()) ? "cpu" : "cuda:" + device.getDeviceId(),
        "--warm-up-steps", Long.toString(warmUpSteps),
        "--steps", Long.toString(timedSteps)); // sizes a replay capped to fit memory
  }

  private void report(List<Segment> results, int every, boolean withReference, List<String> referenceNotes) {
    if (results.isEmpty()) {
      throw new ConfigException("--warm-up-steps", "the run ended before its first timed segment (did it reach "
          + "trainer.stop_mean10_above?); lower --learn-start or --warm-up-steps, or --set "
          + "trainer.stop_mean10_above=.inf");
    }
    double[] achieved = results.stream().mapToDouble(s -> 1000 / s.loopMs).toArray();
    double[] bound = results.stream().mapToDouble(s -> 1000 / s.boundMs(every, s.sampleMs, s.trainMs)).toArray();
    // bound / loop time per step, i.e. achieved / bound steps/s
    double[] efficiency = java.util.stream.IntStream.range(0, results.size())
        .mapToDouble(i -> achieved[i] / bound[i]).toArray();
    for (int i = 0; i < results.size(); i++) {
      Segment s = results.get(i);
      System.out.printf(Locale.ROOT, "# segment %d: %.1f steps/s, bound %.1f (env %.3f, act %.3f, sample %.3f, "
              + "train %.2f ms, %.2f after env steps; greedy %.2f), efficiency %.3f, JIT %d ms, GC %d ms (%d "
              + "collections); per step %.1f page faults, %.1f context switches; %.2f cores busy; host steal %.1f%%; "
              + "in the loop %san update adds %.2f ms%s%n", i + 1,
          achieved[i], bound[i], s.envMs, s.actMs, s.sampleMs, s.trainMs, s.trainAfterEnvMs, s.greedy,
          efficiency[i], s.jitMs, s.gcMs, s.gcCount, s.perStep(s.loop.faults()),
          s.perStep(s.loop.switches()), s.loop.coresBusy(), 100 * s.loop.hostStealShare(),
          Double.isNaN(s.plainStepMs) ? "" : String.format(Locale.ROOT, "a step takes %.3f ms, ", s.plainStepMs),
          s.updateInLoopMs(), withReference ? String.format(Locale.ROOT, "; then PyTorch %.1f steps/s (update "
              + "%.2f ms, host steal %.1f%%): ours %.3fx", s.ref.stepsPerS(), s.ref.trainMs(),
              100 * s.ref.hostStealShare(), achieved[i] / s.ref.stepsPerS()) : "");
    }
    referenceNotes.forEach(System.out::println);
    Figures f = new Figures(System.out);
    f.print("train_agent_steps_per_s", Figures.median(achieved));
    f.print("learner_bound_steps_per_s", Figures.median(bound));
    f.print("loop_efficiency", Figures.median(efficiency));
    f.print("env_step_ms", Figures.median(results.stream().mapToDouble(s -> s.envMs).toArray()));
    f.print("act_ms", Figures.median(results.stream().mapToDouble(s -> s.actMs).toArray()));
    f.print("sample_ms", Figures.median(results.stream().mapToDouble(s -> s.sampleMs).toArray()));
    f.print("train_step_ms", Figures.median(results.stream().mapToDouble(s -> s.trainMs).toArray()));
    f.print("greedy_share", Figures.median(results.stream().mapToDouble(s -> s.greedy).toArray()));
    f.print("jit_ms_while_timed", results.stream().mapToLong(s -> s.jitMs).sum());
    f.print("gc_ms_while_timed", results.stream().mapToLong(s -> s.gcMs).sum());
    f.print("gc_count_while_timed", results.stream().mapToLong(s -> s.gcCount).sum());
    double[] plainSteps = results.stream().mapToDouble(s -> s.plainStepMs).filter(ms -> !Double.isNaN(ms)).toArray();
    if (plainSteps.length > 0) { // none where every agent step updates
      f.print("loop_step_without_update_ms", Figures.median(plainSteps));
    }
    f.print("loop_update_ms", Figures.median(results.stream().mapToDouble(Segment::updateInLoopMs).toArray()));
    f.print("sample_after_env_ms", Figures.median(results.stream().mapToDouble(s -> s.sampleAfterEnvMs)
        .toArray()));
    f.print("train_step_after_env_ms", Figures.median(results.stream().mapToDouble(s -> s.trainAfterEnvMs)
        .toArray()));
    f.print("loop_efficiency_after_env", Figures.median(results.stream()
        .mapToDouble(s -> s.boundMs(every, s.sampleAfterEnvMs, s.trainAfterEnvMs) / s.loopMs).toArray()));
    f.print("page_faults_per_step", Figures.median(results.stream()
        .mapToDouble(s -> s.perStep(s.loop.faults())).toArray()));
    f.print("page_faults_per_update_alone", Figures.median(results.stream()
        .mapToDouble(s -> s.perUpdateAlone(s.trainAlone.faults())).toArray()));
    f.print("context_switches_per_step", Figures.median(results.stream()
        .mapToDouble(s -> s.perStep(s.loop.switches())).toArray()));
    f.print("context_switches_per_update_alone", Figures.median(results.stream()
        .mapToDouble(s -> s.perUpdateAlone(s.trainAlone.switches())).toArray()));
    f.print("loop_cores_busy", Figures.median(results.stream().mapToDouble(s -> s.loop.coresBusy()).toArray()));
    double steal = Figures.median(results.stream().mapToDouble(s -> s.loop.hostStealShare()).toArray());
    f.print("host_steal_share", steal);
    double ref = Double.NaN;
    double speedup = Double.NaN;
    double referenceSteal = 0;
    if (withReference) {
      ref = Figures.median(results.stream().mapToDouble(s -> s.ref.stepsPerS()).toArray());
      referenceSteal = Figures.median(results.stream().mapToDouble(s -> s.ref.hostStealShare()).toArray());
      // the median of the pairs' ratios: each pair ran within seconds, so the host's drift cancels
      speedup = Figures.median(java.util.stream.IntStream.range(0, results.size())
          .mapToDouble(i -> achieved[i] / results.get(i).ref.stepsPerS()).toArray());
      f.print("reference_agent_steps_per_s", ref);
      f.print("reference_train_step_ms", Figures.median(results.stream().mapToDouble(s -> s.ref.trainMs())
          .toArray()));
      f.print("reference_host_steal_share", referenceSteal);
      f.print("speedup", speedup);
    }
    long timed = results.stream().mapToLong(s -> s.steps).sum();
    System.out.printf(Locale.ROOT, "%n%s: %d agent steps with learning in %d segments ran at %.0f steps/s (median); "
            + "their parts allow %.0f: efficiency %.3f.%n", config, timed, results.size(),
        Figures.median(achieved), Figures.median(bound), Figures.median(efficiency));
    if (withReference) {
      System.out.println(Double.isNaN(ref)
          ? "PyTorch eager reference (scripts/loop_reference.py): not run, see its '# reference' line above."
          : String.format(Locale.ROOT, "PyTorch eager reference (scripts/loop_reference.py: gymnasium + ale-py, "
              + "replay of stacked observations; same settings, %d learn-start, %d warm-up and %d timed agent steps, "
              + "each segment right after ours): %.0f agent steps/s; ours is %.2fx (median of the segment pairs).",
              learnStart, warmUpSteps, timed, ref, speedup));
    }
    double worstSteal = Math.max(steal, referenceSteal);
    if (worstSteal > STEAL_NOTICE) {
      System.out.printf(Locale.ROOT, "note: the hypervisor gave %.0f%% of this machine's CPU time to other guests "
          + "while %s ran (host steal): every part ran slower at random, so compare these figures only with a run "
          + "whose host_steal_share is near 0.%n", 100 * worstSteal,
          steal >= worstSteal ? "the loop" : "the reference");
    }
  }

  /** The reference's segment run right after one of ours: its agent steps/s, update and host steal share. */
  private record ReferenceSegment(double stepsPerS, double trainMs, double hostStealShare) {
    static final ReferenceSegment NONE = new ReferenceSegment(Double.NaN, Double.NaN, 0);
  }

  /** One timed segment of the loop, the parts timed right after it, then the reference's segment. */
  private record Segment(long steps, double loopMs, double greedy, long jitMs, long gcMs, long gcCount,
      ProcessCounters loop, double plainStepMs, double updateStepMs, double envMs, double actMs, double sampleMs,
      double trainMs, double sampleAfterEnvMs, double trainAfterEnvMs, ProcessCounters trainAlone,
      ReferenceSegment ref) {
    double perStep(long count) {
      return count < 0 ? Double.NaN : (double) count / steps;
    }

    /**
     * What an update adds to a step inside the loop (sample, update and target sync): a step with one minus a step
     * without; where every step updates, minus the parts' env and act instead.
     */
    double updateInLoopMs() {
      return updateStepMs - (Double.isNaN(plainStepMs) ? envMs + greedy * actMs : plainStepMs);
    }

    double perUpdateAlone(long count) {
      return count < 0 ? Double.NaN : (double) count / Parts.REPEATS;
    }

    /** The parts' bound per agent step with a sample taking {@code sampleMs} and an update {@code updateMs}. */
    double boundMs(int trainEvery, double sampleMs, double updateMs) {
      return envMs + greedy * actMs + (sampleMs + updateMs) / trainEvery;
    }
  }

  /** Times the loop segment by segment; between segments it pauses the loop and has the parts timed. */
  private static final class Probe implements TrialListener {
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    private final long from;
    private final long segmentSteps;
    private final int segments;
    private final Parts parts;
    private long start;
    private long jitStart;
    private long gcMsStart;
    private long gcCountStart;
    private ProcessCounters countersStart;
    private final int trainEvery;
    private long count;
    private double epsilonSum;
    // Gaps between consecutive transitions, split by whether an update ran in the gap: the loop's own timing of
    // its steps with and without an update, to set beside the parts timed alone.
    private long last;
    private long plainNanos;
    private long plainGaps;
    private long updateNanos;
    private long updateGaps;

    Probe(long from, long segmentSteps, int segments, int trainEvery, Parts parts) {
      this.from = from;
      this.segmentSteps = segmentSteps;
      this.segments = segments;
      this.trainEvery = trainEvery;
      this.parts = parts;
    }

    @Override
    public void onStart(long step) {
      if (from == 0) {
        begin();
      }
    }

    @Override
    public void onTransition(Transition t) { // steps count from 0: step `from` is the first one timed
      if (t.step() == from - 1) {
        begin();
      }
      if (t.step() < from || parts.results.size() == segments) {
        return;
      }
      long now = System.nanoTime();
      if (t.step() % trainEvery == 0) { // the trainer updated after the previous transition (step t.step())
        updateNanos += now - last;
        updateGaps++;
      } else {
        plainNanos += now - last;
        plainGaps++;
      }
      last = now;
      count++;
      epsilonSum += t.epsilon();
      if (count == segmentSteps) {
        double loopMs = (now - start) / 1e6 / count;
        long jitMs = jit.getTotalCompilationTime() - jitStart;
        long gcMs = gcMs() - gcMsStart;
        long gcCount = gcCount() - gcCountStart;
        ProcessCounters counters = ProcessCounters.now().since(countersStart);
        double plainMs = plainGaps == 0 ? Double.NaN : plainNanos / 1e6 / plainGaps;
        double updateMs = updateGaps == 0 ? Double.NaN : updateNanos / 1e6 / updateGaps;
        parts.time(count, loopMs, 1 - epsilonSum / count, jitMs, gcMs, gcCount, counters, plainMs, updateMs);
        begin();
      }
    }

    private void begin() {
      count = 0;
      epsilonSum = 0;
      jitStart = jit.getTotalCompilationTime();
      gcMsStart = gcMs();
      gcCountStart = gcCount();
      countersStart = ProcessCounters.now();
      plainNanos = plainGaps = updateNanos = updateGaps = 0;
      start = System.nanoTime();
      last = start;
    }

    /** Milliseconds all collectors have spent collecting so far (-1, "undefined", counts as 0). */
    private long gcMs() {
      return gcs.stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
    }

    private long gcCount() {
      return gcs.stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum();
    }
  }

  /**
   * The loop's parts, alone: their own env and replay buffer (filled as the run's would be), and the trainer's own
   * learner, updated on this replay's batches. A second learner would not be what a training runs: in long
   * {@code pong-fast} benches its updates, interleaved with the trainer's, made both page-fault about 2,300 times
   * per update (docs/benchmarks.md). After the parts, the reference (if any) runs its segment of the same length.
   */
  private static final class Parts implements AutoCloseable {
    private static final int ENV_STEPS = 500;
    private static final int REPEATS = 100;
    private static final int AFTER_ENV_REPEATS = 50;
    final List<Segment> results = new ArrayList<>();
    private final int trainEvery;
    private final Env env;
    private final FrameReplayBuffer replay;
    private Batch batch;
    private final byte[] obs;
    private final Rng rng = new Rng(3);
    private final Venv.Server reference;
    private DqnLearner learner;

    Parts(TrialConfig trial, long fill, Venv.Server reference) {
      this.reference = reference;
      trainEvery = trial.learner().trainEveryAgentSteps();
      env = Envs.make(trial.env(), 7, true);
      obs = env.reset().clone();
      byte[] frame = env.newestFrame().clone();
      replay = new FrameReplayBuffer(trial.replay().capacity(), frame.length, env.stack());
      replay.startEpisode(frame);
      int n = (int) Math.min(trial.replay().capacity() - 1, fill);
      for (int i = 1; i <= n; i++) {
        frame[frame.length - 1 - (i % frame.length)] = (byte) i;
        replay.append(rng.nextInt(env.actionCount()), 0, i % 1000 == 0, frame);
      }
    }

    /** Times act and update on {@code trainer}'s learner; its extra updates change no cost, only the weights. */
    void timeUpdatesOn(DqnLearner trainer) {
      learner = trainer;
      batch = trainer.newBatch(replay.stack(), replay.frameSize());
    }

    void time(long steps, double loopMs, double greedy, long jitMs, long gcMs, long gcCount,
        ProcessCounters loop, double plainStepMs, double updateStepMs) {
      long t0 = System.nanoTime();
      for (int i = 0; i < ENV_STEPS; i++) {
        if (env.step(rng.nextInt(env.actionCount())).done()) {
          env.reset();
        }
      }
      double envMs = (System.nanoTime() - t0) / 1e6 / ENV_STEPS;
      long t1 = System.nanoTime();
      for (int i = 0; i < REPEATS; i++) {
        learner.qValues(obs);
      }
      double actMs = (System.nanoTime() - t1) / 1e6 / REPEATS;
      long t2 = System.nanoTime();
      for (int i = 0; i < REPEATS; i++) {
        replay.sample(rng, batch);
      }
      double sampleMs = (System.nanoTime() - t2) / 1e6 / REPEATS;
      ProcessCounters before = ProcessCounters.now();
      long t3 = System.nanoTime();
      for (int i = 0; i < REPEATS; i++) {
        learner.update(batch);
      }
      double trainMs = (System.nanoTime() - t3) / 1e6 / REPEATS;
      ProcessCounters trainAlone = ProcessCounters.now().since(before);
      // the sample and the update as the loop meets them: after train_every env steps, the threads idle and the
      // caches refilled since (the sample's frames and the batch's buffers are no longer in them)
      long sampleAfterEnvNanos = 0;
      long afterEnvNanos = 0;
      for (int i = 0; i < AFTER_ENV_REPEATS; i++) {
        for (int k = 0; k < trainEvery; k++) {
          if (env.step(rng.nextInt(env.actionCount())).done()) {
            env.reset();
          }
        }
        long s = System.nanoTime();
        replay.sample(rng, batch);
        long t = System.nanoTime();
        learner.update(batch);
        afterEnvNanos += System.nanoTime() - t;
        sampleAfterEnvNanos += t - s;
      }
      ReferenceSegment ref = ReferenceSegment.NONE;
      if (reference != null) {
        ProcessCounters start = ProcessCounters.now();
        double stepsPerS = reference.ask("run " + steps, "agent_steps_per_s");
        ref = new ReferenceSegment(stepsPerS, reference.ask("update", "train_step_ms"),
            ProcessCounters.now().since(start).hostStealShare());
      }
      results.add(new Segment(steps, loopMs, greedy, jitMs, gcMs, gcCount, loop, plainStepMs, updateStepMs, envMs,
          actMs, sampleMs, trainMs, sampleAfterEnvNanos / 1e6 / AFTER_ENV_REPEATS,
          afterEnvNanos / 1e6 / AFTER_ENV_REPEATS, trainAlone, ref));
    }

    @Override
    public void close() {
      env.close(); // the learner is the trainer's, closed with it
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }
}
