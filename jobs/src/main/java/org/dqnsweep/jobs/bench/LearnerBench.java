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

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds, alternating with the reference; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

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
    if (reference) {
      Venv.ensurePackage("torch", "torch==2.7.1");
    }
    double[] train = new double[rounds];
    double[] act = new double[rounds];
    double[] refTrain = new double[rounds];
    double[] refAct = new double[rounds];
    double[] ratio = new double[rounds];
    try (DqnLearner learner = new DqnLearner(config, NetworkConfig.NATURE, new int[] {stack, 84, 84},
        ObservationType.UINT8, 6, Device.cpu(), 1)) {
      byte[] obs = java.util.Arrays.copyOf(batch.states, stack * 84 * 84);
      for (int i = 0; i < Math.max(10, steps / 10); i++) {
        learner.update(batch);
        learner.qValues(obs);
      }
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          learner.update(batch);
        }
        train[r] = (System.nanoTime() - t0) / 1e6 / steps;
        long t1 = System.nanoTime();
        for (int i = 0; i < acts; i++) {
          learner.qValues(obs);
        }
        act[r] = (System.nanoTime() - t1) / 1e6 / acts;
        if (reference) { // right after ours, so both see the same machine
          String out = Venv.runScript("learner_reference.py", "--batch", Integer.toString(batchSize), "--stack",
              Integer.toString(stack), "--steps", Integer.toString(steps), "--acts", Integer.toString(acts),
              "--threads", Integer.toString(threadCount));
          refTrain[r] = Venv.figure(out, "train_step_ms");
          refAct[r] = Venv.figure(out, "act_ms");
          ratio[r] = train[r] / refTrain[r];
        }
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
