package org.dqnsweep.jobs.bench;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
  @Option(names = "--batch", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--stack", defaultValue = "4", description = "Frames per state (default: ${DEFAULT-VALUE}).")
  int stack;

  @Option(names = "--steps", defaultValue = "200", description = "Timed train steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--acts", defaultValue = "1000", description = "Timed acts (default: ${DEFAULT-VALUE}).")
  int acts;

  @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads, 0 = all cores (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--reference", description = "Also time the same step in PyTorch eager (installs torch 2.7.1 into .venv on first use, about 3 GB).")
  boolean reference;

  @Option(names = "--memory-updates", defaultValue = "0", description = "Also run this many updates and print RSS after 1,000 and at the end (e.g. 20000).")
  int memoryUpdates;

  @Override
  public Integer call() throws Exception {
    int threadCount = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    Torch.select("cpu", threadCount);
    LearnerConfig c = LearnerConfig.ORIGINAL_SCRIPT;
    LearnerConfig config = new LearnerConfig(c.gamma(), c.lr(), c.adamEps(), c.loss(), c.huberDelta(), false,
        c.gradClip(), c.gradClipValue(), batchSize, c.targetSyncEveryUpdates(), 1, batchSize);
    Batch batch = new Batch(batchSize, stack, 84 * 84);
    Rng rng = new Rng(1);
    for (int i = 0; i < batch.states.length; i++) {
      batch.states[i] = (byte) rng.nextInt(256);
      batch.nextStates[i] = (byte) rng.nextInt(256);
    }
    for (int i = 0; i < batchSize; i++) {
      batch.actions[i] = rng.nextInt(6);
      batch.rewards[i] = rng.nextInt(3) - 1;
      batch.dones[i] = rng.nextInt(10) == 0 ? 1 : 0;
    }
    Figures f = new Figures(System.out);
    double trainMs;
    double actMs;
    try (DqnLearner learner = new DqnLearner(config, NetworkConfig.NATURE, new int[] {stack, 84, 84},
        ObservationType.UINT8, 6, Device.cpu(), 1)) {
      for (int i = 0; i < Math.max(10, steps / 10); i++) {
        learner.update(batch);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        learner.update(batch);
      }
      trainMs = (System.nanoTime() - t0) / 1e6 / steps;
      byte[] obs = java.util.Arrays.copyOf(batch.states, stack * 84 * 84);
      for (int i = 0; i < 50; i++) {
        learner.qValues(obs);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < acts; i++) {
        learner.qValues(obs);
      }
      actMs = (System.nanoTime() - t1) / 1e6 / acts;
      f.print("train_step_ms", trainMs);
      f.print("act_ms", actMs);
      if (memoryUpdates > 0) {
        long done = learner.updates();
        double rss1k = 0;
        for (long u = done; u < memoryUpdates; u++) {
          learner.update(batch);
          if (learner.updates() == 1000) {
            rss1k = rssMb();
          }
        }
        f.print("rss_mb_after_1k_updates", rss1k);
        f.print("rss_mb_after_" + memoryUpdates + "_updates", rssMb());
      }
    }
    if (reference) {
      Venv.ensurePackage("torch", "torch==2.7.1");
      String out = Venv.runScript("learner_reference.py", "--batch", Integer.toString(batchSize), "--stack",
          Integer.toString(stack), "--steps", Integer.toString(steps), "--acts", Integer.toString(acts),
          "--threads", Integer.toString(threadCount));
      double ref = Venv.figure(out, "train_step_ms");
      f.print("reference_train_step_ms", ref);
      f.print("reference_act_ms", Venv.figure(out, "act_ms"));
      f.print("ratio", trainMs / ref);
    }
    System.out.printf("%nNature CNN, batch %d of %dx84x84 uint8, %d PyTorch thread(s) on CPU: a train step takes %.2f ms,"
        + " an act %.3f ms.%n", batchSize, stack, threadCount, trainMs, actMs);
    return 0;
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
