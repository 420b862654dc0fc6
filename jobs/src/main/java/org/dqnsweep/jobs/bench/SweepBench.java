package org.dqnsweep.jobs.bench;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.storage.LocalStorage;
import org.dqnsweep.jobs.SweepJob;
import org.dqnsweep.train.Trainer;
import org.dqnsweep.train.TrialListener;
import org.dqnsweep.util.Torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dqn bench sweep}: what the sweep machinery costs. Times one trial alone (in this JVM, one thread, as a task
 * runs it), then a local-mode sweep of K such trials (differing by seed) end to end, Spark start-up included, and
 * compares it with the ideal ceil(K / slots) x one trial.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = "Makespan of a local sweep of K tiny trials against ceil(K / slots) x one trial alone.")
public final class SweepBench implements Callable<Integer> {
  @Option(names = "--trials", defaultValue = "4", description = "K, trials in the sweep (default: ${DEFAULT-VALUE}).")
  int trials;

  @Option(names = "--config", defaultValue = "conf/trials/pong-smoke.yaml",
      description = "The trial each task runs (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(names = "--parallel", description = "Slots: trials at once (default: every core).")
  Integer parallel;

  @Option(names = "--set", description = "Override a trial setting: key.path=value (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    int slots = parallel != null ? parallel : Runtime.getRuntime().availableProcessors();
    TrialConfig trial = TrialConfig.load(config, overrides);
    Path dir = Files.createTempDirectory("dqn-bench-sweep");
    try {
      Device cpu = Torch.select(DeviceSetting.CPU, 1);
      long t0 = System.nanoTime();
      try (Trainer alone = new Trainer(trial, cpu, new LocalStorage(dir.resolve("alone")), false,
          new TrialListener() {})) {
        alone.run();
      }
      double aloneS = (System.nanoTime() - t0) / 1e9;

      Path spec = dir.resolve("bench.yaml");
      Files.writeString(spec, "name: bench-sweep\nbase: " + config.toAbsolutePath() + "\nseeds: ["
          + LongStream.rangeClosed(1, trials).mapToObj(Long::toString).collect(Collectors.joining(", ")) + "]\n");
      List<String> args = new ArrayList<>(List.of(spec.toString(), "--output", dir.resolve("out").toString(),
          "--parallel", Integer.toString(slots), "--progress-seconds", "3600", "--tracking-uri", "none"));
      for (String o : overrides) {
        args.add("--set");
        args.add("base." + o);
      }
      long t1 = System.nanoTime();
      int code = new CommandLine(new SweepJob()).execute(args.toArray(String[]::new));
      double makespan = (System.nanoTime() - t1) / 1e9;
      if (code != 0) {
        System.err.println("the sweep failed (exit " + code + "): no figures");
        return code;
      }
      double ideal = Math.ceil((double) trials / slots) * aloneS;
      Figures f = new Figures(System.out);
      f.print("trials", trials);
      f.print("slots", slots);
      f.print("one_trial_s", aloneS);
      f.print("makespan_s", makespan);
      f.print("ideal_s", ideal);
      f.print("overhead_ratio", makespan / ideal);
      System.out.printf(Locale.ROOT, "%d trials on %d slots took %.1f s; ideal %.1f s (%d round(s) of one trial "
          + "alone, %.1f s)%n", trials, slots, makespan, ideal, (int) Math.ceil((double) trials / slots), aloneS);
      return 0;
    } finally {
      TrainBench.deleteTree(dir);
    }
  }
}
