package org.dqnsweep.jobs.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.config.LearnerConfig;
import org.dqnsweep.config.NetworkConfig;
import org.dqnsweep.env.ObservationType;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.util.Rng;
import org.dqnsweep.util.Torch;
import org.dqnsweep.util.Venv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dqn bench learner}: one DQN train step (batch 32, Nature CNN, uint8 to float on the device, target
 * forward, Huber, backward, Adam) and one act, optionally against PyTorch eager from the venv, optionally with
 * the process's resident memory over a long series of updates.
 */
@Command(name = "learner", mixinStandardHelpOptions = true,
    description = "Time a DQN train step and an act on the Nature CNN; --reference compares with PyTorch eager.")
public final class LearnerBench implements Callable<Integer> {
  private static final int MAX_WARM_UP_SECONDS = 120;
  private static final String OURS_TRACE = "ours.json";
  private static final String REFERENCE_TRACE = "reference.json";

  @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--network", defaultValue = "nature_cnn", converter = NetworkTypeConverter.class,
      description = "Q-network: nature_cnn or nips_cnn (default: ${DEFAULT-VALUE}).")
  NetworkConfig.Type network;

  @Option(names = "--stack", defaultValue = "4", description = "Frames per state (default: ${DEFAULT-VALUE}).")
  int stack;

  @Option(names = "--steps", defaultValue = "50", description = "Timed train steps per round (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--acts", defaultValue = "200", description = "Timed acts per round (default: ${DEFAULT-VALUE}).")
  int acts;

  @Option(names = "--rounds", defaultValue = "21", description = "Rounds, each timing ours then the reference in one warm process; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads, 0 = all cores (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--jit-quiet-s", defaultValue = "3", description = "Warm up until the JIT has compiled nothing for this many seconds (at most " + MAX_WARM_UP_SECONDS + " s); 0 = --steps / 10 steps only (default: ${DEFAULT-VALUE}).")
  int jitQuietSeconds;

  @Option(names = "--reference", description = "Also time the same step in PyTorch eager (installs torch 2.7.1 into .venv on first use, about 3 GB).")
  boolean reference;

  @Option(names = "--profile", paramLabel = "DIR", description = "Also profile --steps more updates with PyTorch's profiler (and the reference's, with --reference): prints each op's time per update and the time outside all ops, and keeps the Chrome traces in DIR (ours.json, reference.json).")
  Path profile;

  @Option(names = "--memory-updates", defaultValue = "0", description = "Also run this many updates and print RSS after 1,000 and at the end (e.g. 20000).")
  int memoryUpdates;

  /** Reads a network word as the config does, refusing mlp (the bench feeds screens). */
  static final class NetworkTypeConverter implements picocli.CommandLine.ITypeConverter<NetworkConfig.Type> {
    @Override
    public NetworkConfig.Type convert(String value) {
      try {
        return Configs.fromWord(value, new NetworkConfig.Type[] {NetworkConfig.Type.NATURE_CNN,
            NetworkConfig.Type.NIPS_CNN});
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    if (profile != null) {
      if (Files.exists(profile) && !Files.isDirectory(profile)) {
        throw new ConfigException("--profile", profile + " is a file; give a folder for the traces");
      }
      for (String trace : List.of(OURS_TRACE, REFERENCE_TRACE)) {
        if (Files.exists(profile.resolve(trace))) {
          throw new ConfigException("--profile", profile.resolve(trace) + " exists; give a new or empty folder "
              + "(nothing is overwritten)");
        }
      }
      Files.createDirectories(profile);
    }
    int threadCount = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    DqnLearner.cpuKernelsHint(Torch.select(DeviceSetting.CPU, threadCount)).ifPresent(System.out::println);
    LearnerConfig c = LearnerConfig.ORIGINAL_SCRIPT;
    LearnerConfig config = new LearnerConfig(c.gamma(), c.lr(), c.adamEps(), c.loss(), c.huberDelta(), false,
        c.gradClip(), c.gradClipValue(), batchSize, c.targetSyncEveryUpdates(), 1, batchSize);
    Batch batch = new Batch(batchSize, stack, 84 * 84);
    Rng rng = new Rng(1);
    for (int i = 0; i < batch.states.capacity(); i++) {
      batch.states.put(i, (byte) rng.nextInt(256));
      batch.nextStates.put(i, (byte) rng.nextInt(256));
    }
    for (int i = 0; i < batchSize; i++) {
      batch.actions[i] = rng.nextInt(6);
      batch.rewards[i] = rng.nextInt(3) - 1;
      batch.dones[i] = rng.nextInt(10) == 0 ? 1 : 0;
    }
    Figures f = new Figures(System.out);
    if (reference) {
      Venv.ensurePackage("torch", "torch==2.7.1");
    }
    double[] train = new double[rounds];
    double[] act = new double[rounds];
    double[] refTrain = new double[rounds];
    double[] refAct = new double[rounds];
    double[] ratio = new double[rounds];
    try (DqnLearner learner = new DqnLearner(config, new NetworkConfig(network, false, List.of(64)),
        new int[] {stack, 84, 84},
        ObservationType.UINT8, 6, Device.cpu(), 1);
        Venv.Server pytorch = reference ? Venv.startScript("learner_reference.py", "--serve", "--network",
            Configs.word(network), "--batch",
            Integer.toString(batchSize), "--stack", Integer.toString(stack), "--steps", Integer.toString(steps),
            "--threads", Integer.toString(threadCount)) : null) {
      byte[] obs = new byte[stack * 84 * 84];
      batch.states.get(0, obs);
      warmUp(learner, batch, obs);
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      for (int r = 0; r < rounds; r++) {
        long compiled = jit.getTotalCompilationTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          learner.update(batch);
        }
        learner.drainTotals(); // the round's one read of the loss sums, as a progress line does
        train[r] = (System.nanoTime() - t0) / 1e6 / steps;
        long t1 = System.nanoTime();
        for (int i = 0; i < acts; i++) {
          learner.qValues(obs);
        }
        act[r] = (System.nanoTime() - t1) / 1e6 / acts;
        compiled = jit.getTotalCompilationTime() - compiled;
        if (pytorch != null) { // right after ours, so both see the same machine
          refTrain[r] = pytorch.ask("train " + steps, "train_step_ms");
          refAct[r] = pytorch.ask("act " + acts, "act_ms");
          ratio[r] = train[r] / refTrain[r];
          System.out.printf(Locale.ROOT, "# round %d: train %.2f ms (PyTorch %.2f, ratio %.3f), act %.3f ms "
              + "(PyTorch %.3f), JIT %d ms%n", r + 1, train[r], refTrain[r], ratio[r], act[r], refAct[r], compiled);
        } else {
          System.out.printf(Locale.ROOT, "# round %d: train %.2f ms, act %.3f ms, JIT %d ms%n", r + 1, train[r], act[r],
              compiled);
        }
      }
      if (profile != null) {
        profileUpdates(learner, batch, pytorch, f);
      }
      f.print("train_step_ms", Figures.median(train));
      f.print("act_ms", Figures.median(act));
      if (reference) {
        f.print("reference_train_step_ms", Figures.median(refTrain));
        f.print("reference_act_ms", Figures.median(refAct));
        f.print("ratio", Figures.median(ratio));
      }
      if (memoryUpdates > 0) {
        double rss1k = Double.NaN;
        long nextReport = 5000;
        while (learner.updates() < memoryUpdates) {
          learner.update(batch);
          if (Double.isNaN(rss1k) && learner.updates() >= 1000) {
            rss1k = rssMb();
            f.print("rss_mb_after_1k_updates", rss1k);
          }
          if (learner.updates() == nextReport && nextReport < memoryUpdates) {
            System.out.printf("# rss %.1f MB after %d updates%n", rssMb(), nextReport);
            nextReport += 5000;
          }
        }
        f.print("rss_mb_after_" + memoryUpdates + "_updates", rssMb());
      }
    }
    double trainMs = Figures.median(train);
    double actMs = Figures.median(act);
    System.out.printf("%n%s, batch %d of %dx84x84 uint8, %d PyTorch thread(s) on CPU: a train step takes %.2f ms,"
        + " an act %.3f ms.%n", network == NetworkConfig.Type.NATURE_CNN ? "Nature CNN" : "NIPS CNN", batchSize, stack,
        threadCount, trainMs, actMs);
    return 0;
  }

  /**
   * Profiles {@code --steps} updates of ours, then of the reference, and prints where each spent its time per
   * update: each op's self time, all ops together, and the time outside every op (Java and JNI for us, Python for
   * the reference; our Adam runs there, in Java, while the reference's Adam is a series of ops).
   */
  private void profileUpdates(DqnLearner learner, Batch batch, Venv.Server pytorch, Figures f) throws IOException {
    Path oursTrace = profile.resolve(OURS_TRACE);
    JniUtils.startProfile(false, false, false);
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      learner.update(batch);
    }
    learner.drainTotals();
    double wallMs = (System.nanoTime() - t0) / 1e6;
    JniUtils.stopProfile(oursTrace.toString());
    OpProfile ours = OpProfile.read(oursTrace, steps, wallMs);
    OpProfile ref = null;
    if (pytorch != null) {
      Path refTrace = profile.resolve(REFERENCE_TRACE).toAbsolutePath();
      ref = OpProfile.read(refTrace, steps, pytorch.ask("profile " + steps + " " + refTrace, "profile_wall_ms"));
    }
    System.out.printf(Locale.ROOT, "# profile of %d updates%s, us per update (PyTorch's profiler on; traces in %s):%n",
        steps, ref == null ? "" : " each", profile);
    for (String op : OpProfile.topOps(ours, ref, 15)) {
      printRow(op, ours.selfUs().getOrDefault(op, 0.0), ref == null ? null : ref.selfUs().getOrDefault(op, 0.0));
    }
    printRow("(all ops)", ours.opsUs(), ref == null ? null : ref.opsUs());
    printRow("(outside ops)", ours.outsideOpsUs(), ref == null ? null : ref.outsideOpsUs());
    f.print("profile_update_us", ours.wallUs());
    f.print("profile_ops_us", ours.opsUs());
    f.print("profile_outside_ops_us", ours.outsideOpsUs());
    if (ref != null) {
      f.print("reference_profile_update_us", ref.wallUs());
      f.print("reference_profile_ops_us", ref.opsUs());
      f.print("reference_profile_outside_ops_us", ref.outsideOpsUs());
    }
  }

  /** One row of the profile table: ours, then the reference's when there is one. */
  private static void printRow(String label, double ours, Double reference) {
    System.out.printf(Locale.ROOT, "#   %-34s %9.0f%s%n", label, ours,
        reference == null ? "" : String.format(Locale.ROOT, " %9.0f", reference));
  }

  /**
   * Runs updates and acts until the JIT has stopped compiling for {@code --jit-quiet-s}. At 30 ms a step, hot
   * methods reach the compile thresholds slowly, and a compiler thread working during a round takes a core from
   * PyTorch's two; a long run pays that once, so no round should.
   */
  private void warmUp(DqnLearner learner, Batch batch, byte[] obs) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long start = System.nanoTime();
    long compiledMs = jit.getTotalCompilationTime();
    long quietSince = start;
    int done = 0;
    while (true) {
      for (int i = 0; i < 10; i++) {
        learner.update(batch);
        learner.qValues(obs);
      }
      done += 10;
      long now = System.nanoTime();
      if (jit.getTotalCompilationTime() != compiledMs) {
        compiledMs = jit.getTotalCompilationTime();
        quietSince = now;
      }
      boolean quiet = now - quietSince >= jitQuietSeconds * 1_000_000_000L;
      if (quiet && done >= Math.max(10, steps / 10) || now - start > MAX_WARM_UP_SECONDS * 1_000_000_000L) {
        System.out.printf(Locale.ROOT, "# warm-up: %d steps in %.1f s, JIT compile time %d ms%s%n", done,
            (now - start) / 1e9, compiledMs, quiet ? "" : ", still compiling after " + MAX_WARM_UP_SECONDS + " s");
        return;
      }
    }
  }

  static double rssMb() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
