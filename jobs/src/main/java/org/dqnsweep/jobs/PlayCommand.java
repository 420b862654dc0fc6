package org.dqnsweep.jobs;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.io.ScreenRecorder;
import org.dqnsweep.storage.LocalStorage;
import org.dqnsweep.train.Checkpoints;
import org.dqnsweep.train.Evaluator;
import org.dqnsweep.train.PolicyFile;
import org.dqnsweep.util.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dqn play}: evaluates a checkpoint's policy, optionally recording the first game as an animated GIF. */
@Command(name = "play", mixinStandardHelpOptions = true,
    description = "Play games with a checkpoint's policy and report their returns; --gif records the first game.")
public final class PlayCommand implements Callable<Integer> {
  @Option(names = "--checkpoint", required = true,
      description = "A checkpoint file, or a run folder (its latest checkpoint is used).")
  Path checkpoint;

  @Option(names = "--episodes", defaultValue = "1", description = "Games to play (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--epsilon", description = "Exploration while playing (default: the config's eval_epsilon).")
  Double epsilon;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the games (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--gif", description = "Write the first game as an animated GIF here (Atari only; must not exist).")
  Path gif;

  @Override
  public Integer call() throws IOException {
    if (episodes < 1) {
      throw new ConfigException("--episodes", "must be >= 1, got " + episodes);
    }
    if (gif != null && Files.exists(gif)) {
      throw new ConfigException("--gif", gif + " exists; choose another file (nothing is overwritten)");
    }
    Path file = resolve(checkpoint);
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file));
        PolicyFile.Policy policy = PolicyFile.read(in, Torch.select(DeviceSetting.CPU, 0))) {
      double eps = epsilon != null ? epsilon : policy.config().exploration().evalEpsilon();
      System.out.printf(Locale.ROOT, "playing %d game(s) of %s with %s, epsilon %.3f%n", episodes,
          policy.config().env().game(), file, eps);
      if (gif != null && !policy.config().env().isAtari()) {
        throw new ConfigException("--gif", "only Atari games have screens to record");
      }
      double[] returns;
      int frames = 0;
      if (gif == null) {
        returns = Evaluator.play(policy.agent(), policy.config().env(), seed, episodes, eps);
      } else {
        try (OutputStream out = Files.newOutputStream(gif); ScreenRecorder recorder = new ScreenRecorder(out, 0)) {
          returns = Evaluator.play(policy.agent(), policy.config().env(), seed, episodes, eps, recorder);
          frames = recorder.frames();
        }
      }
      double mean = 0;
      for (int g = 0; g < returns.length; g++) {
        System.out.printf(Locale.ROOT, "game %d: return %.1f%n", g + 1, returns[g]);
        mean += returns[g] / returns.length;
      }
      System.out.printf(Locale.ROOT, "mean_return=%.3f%n", mean);
      if (gif != null) {
        System.out.printf(Locale.ROOT, "wrote %s (%d frames)%n", gif, frames);
      }
    }
    return 0;
  }

  private static Path resolve(Path checkpoint) throws IOException {
    if (Files.isRegularFile(checkpoint)) {
      return checkpoint;
    }
    if (Files.isDirectory(checkpoint)) {
      // a run folder (bin/dqn train --output) or its checkpoints folder
      Path dir = Files.isDirectory(checkpoint.resolve("checkpoints")) ? checkpoint.resolve("checkpoints") : checkpoint;
      return dir.resolve(new Checkpoints(new LocalStorage(dir), 1).latest().orElseThrow(
          () -> new ConfigException("--checkpoint", checkpoint + " holds no checkpoint (ckpt-*.bin)")));
    }
    throw new ConfigException("--checkpoint", checkpoint + " does not exist");
  }
}
