package org.dqnsweep.jobs;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.storage.LocalStorage;
import org.dqnsweep.io.CsvMetrics;
import org.dqnsweep.train.ConsoleProgress;
import org.dqnsweep.train.Listeners;
import org.dqnsweep.train.ResumableSettings;
import org.dqnsweep.train.Trainer;
import org.dqnsweep.train.TrialResult;
import org.dqnsweep.util.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dqn train}: one trial, checkpoints and metrics under an output folder, resumable. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train one DQN trial from a config; checkpoints and metrics go under --output.")
public final class TrainCommand implements Callable<Integer> {
  @Option(names = "--config", description = "Trial config YAML, e.g. conf/trials/pong-seed.yaml. With --resume it "
      + "defaults to the run's own config.yaml.")
  Path config;

  @Option(names = "--output", required = true, description = "Run folder; must be empty or absent unless --resume.")
  Path output;

  @Option(names = "--set", description = "Override a setting: key.path=value (repeatable), e.g. learner.lr=3e-4.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--resume", description = "Continue from the latest checkpoint in --output (with its config.yaml "
      + "unless --config is given; --set may change the settings a resume can change, e.g. learner.lr).")
  boolean resume;

  @Override
  public Integer call() throws IOException {
    if (config == null) {
      if (!resume) {
        throw new ConfigException("--config", "missing: name a trial config, e.g. --config conf/trials/pong-fast.yaml "
            + "(only --resume can do without one: it reads the run's own config.yaml)");
      }
      config = output.resolve("config.yaml");
      if (!Files.exists(config)) {
        throw new ConfigException("--resume", "no config.yaml in " + output + " to resume with: is --output the "
            + "folder of an earlier bin/dqn train? (or pass that run's --config)");
      }
    }
    TrialConfig trial = TrialConfig.load(config, overrides);
    boolean hasContent = Files.isDirectory(output) && !isEmpty(output);
    if (hasContent && !resume) {
      throw new ConfigException("--output", output + " is not empty: pass --resume to continue that run, or choose "
          + "a new folder (nothing there is overwritten)");
    }
    if (resume && !Files.exists(output.resolve("checkpoints/LATEST"))) {
      throw new ConfigException("--resume", "no checkpoint in " + output + "/checkpoints to resume from");
    }
    Files.createDirectories(output);
    String resolved = Yaml.write(Configs.toMap(trial));
    System.out.println("# resolved config" + (overrides.isEmpty() ? "" : " (with --set " + String.join(" ", overrides) + ")"));
    System.out.print(resolved);

    Device device = Torch.select(trial.trainer().device(), trial.trainer().threads());
    Torch.mallocHint(device).ifPresent(System.out::println);
    DqnLearner.cpuKernelsHint(device).ifPresent(System.out::println);
    LocalStorage storage = new LocalStorage(output.resolve("checkpoints"));
    CsvMetrics metrics = new CsvMetrics(output, resume);
    ConsoleProgress progress = new ConsoleProgress(System.out, "", trial.trainer().maxAgentSteps(),
        trial.env().emulatorFramesPerStep());
    Trainer built;
    try {
      built = new Trainer(trial, device, storage, resume, new Listeners(progress, metrics));
    } catch (ResumableSettings.Mismatch e) {
      throw new ConfigException("--resume", e.getMessage());
    }
    try (Trainer trainer = built) {
      if (resume) {
        System.out.printf(Locale.ROOT, "resuming at agent step %,d%n", trainer.step());
        recordChanges(trainer.step(), trainer.changedOnResume());
      }
      Files.writeString(output.resolve("config.yaml"), resolved); // once the checkpoint has accepted it
      TrialResult r = trainer.run();
      System.out.printf(Locale.ROOT, "done (%s): %,d agent steps, %,d games, %,d updates, final eval %.2f, best eval "
              + "%.2f, mean10 %.2f, %.0f s on %s%n", r.stopReason(), r.agentSteps(), r.games(), r.updates(),
          r.finalEvalReturn(), r.bestEvalReturn(), r.mean10(), r.wallSeconds(), r.device());
      Files.writeString(output.resolve("result.yaml"), Yaml.write(Configs.toMap(r)));
      Files.write(output.resolve("learning_curve.png"), CsvMetrics.learningCurve(output, String.format(Locale.ROOT,
          "%s, seed %d: %s after %,d agent steps", config.getFileName(), trial.seed(), r.stopReason(),
          r.agentSteps())));
      System.out.println("learning curve: " + output.resolve("learning_curve.png"));
    }
    return 0;
  }

  /**
   * Prints the settings this resume changed and appends them to {@code config_history.csv} (step, key, before,
   * after): config.yaml holds the newest settings, the history says from which step each one held.
   */
  private void recordChanges(long step, List<ResumableSettings.Change> changes) throws IOException {
    if (changes.isEmpty()) {
      return;
    }
    Path history = output.resolve("config_history.csv");
    StringBuilder rows = new StringBuilder(Files.exists(history) ? "" : "step,key,before,after\n");
    for (ResumableSettings.Change c : changes) {
      System.out.printf(Locale.ROOT, "from agent step %,d: %s %s -> %s%n", step, c.key(), c.before(), c.after());
      rows.append(step).append(',').append(c.key()).append(',').append(c.before()).append(',').append(c.after())
          .append('\n');
    }
    Files.writeString(history, rows, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
