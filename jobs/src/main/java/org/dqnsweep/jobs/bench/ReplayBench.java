package org.dqnsweep.jobs.bench;

import ai.djl.Device;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Callable;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.replay.FrameReplayBuffer;
import org.dqnsweep.util.CpuKernels;
import org.dqnsweep.util.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dqn bench replay}: memory per stored transition and the cost of sampling a batch of 32. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay memory per transition (measured on the heap) and batch-32 sampling time, as bytes and "
        + "scaled to floats (the trainer's CPU format).")
public final class ReplayBench implements Callable<Integer> {
  private static final int FRAME = 84 * 84;

  @Option(names = "--capacity", defaultValue = "100000", description = "Transitions stored (default: ${DEFAULT-VALUE}, the original script's).")
  int capacity;

  @Option(names = "--stack", defaultValue = "4", description = "Frames per sampled state (default: ${DEFAULT-VALUE}).")
  int stack;

  @Option(names = "--episode-length", defaultValue = "850", description = "Agent steps per synthetic episode (default: ${DEFAULT-VALUE}, a typical early Pong game).")
  int episodeLength;

  @Option(names = "--samples", defaultValue = "20000", description = "Timed batch-32 samples (default: ${DEFAULT-VALUE}).")
  int samples;

  @Override
  public Integer call() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    FrameReplayBuffer replay = new FrameReplayBuffer(capacity, FRAME, stack);
    Rng rng = new Rng(1);
    byte[] frame = new byte[FRAME];
    long t0 = System.nanoTime();
    for (long episode = 0; replay.size() < capacity; episode++) {
      rng.nextLong();
      frame[0] = (byte) episode;
      replay.startEpisode(frame);
      for (int t = 0; t < episodeLength && replay.size() < capacity; t++) {
        frame[1 + t % (FRAME - 1)] = (byte) t;
        replay.append(rng.nextInt(6), rng.nextInt(3) - 1, t == episodeLength - 1, frame);
      }
    }
    double addUs = (System.nanoTime() - t0) / 1e3 / capacity;
    long used = usedAfterGc(memory) - before;

    double sampleUs = timeSamples(replay, new Batch(32, stack, FRAME), rng);
    // The trainer's CPU format: the same sample, scaled to floats as it is gathered, on libtorch's threads.
    boolean scales = CpuKernels.runOn(Device.cpu());
    double scaledUs = scales ? timeSamples(replay, new Batch(32, stack, FRAME, Batch.Format.SCALED), rng) : Double.NaN;

    Figures f = new Figures(System.out);
    double perTransition = (double) used / capacity;
    f.print("replay_bytes_per_transition", perTransition);
    f.print("replay_1m_projected_gb", perTransition * 1_000_000 / 1e9);
    f.print("replay_add_us", addUs);
    f.print("replay_sample_batch32_us", sampleUs);
    f.print("replay_sample_scaled_batch32_us", scaledUs);
    System.out.printf("%nReplay of %,d 84x84 transitions (stack %d): %.0f bytes each on the heap (a frame is %d), so "
            + "1M transitions need %.2f GB. Sampling 32 stacked states + next states takes %.1f us as bytes, %s.%n",
        capacity, stack, perTransition, FRAME, perTransition * 1e6 / 1e9, sampleUs, scales
            ? String.format("%.1f us scaled to floats on %d thread(s)", scaledUs, CpuKernels.threads())
            : "not scaled (" + CpuKernels.unavailable().get() + ")");
    return 0;
  }

  private double timeSamples(FrameReplayBuffer replay, Batch batch, Rng rng) {
    for (int i = 0; i < samples / 10; i++) {
      replay.sample(rng, batch); // warm-up
    }
    long t = System.nanoTime();
    for (int i = 0; i < samples; i++) {
      replay.sample(rng, batch);
    }
    return (System.nanoTime() - t) / 1e3 / samples;
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
