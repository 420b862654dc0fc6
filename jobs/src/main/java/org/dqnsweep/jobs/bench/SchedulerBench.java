package org.dqnsweep.jobs.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.jobs.SweepJob;
import org.dqnsweep.jobs.sweep.AshaSettings;
import org.dqnsweep.jobs.sweep.SweepPlanner;
import org.dqnsweep.jobs.sweep.SweepSpec;
import org.dqnsweep.jobs.sweep.TrialOutcome;
import org.dqnsweep.jobs.sweep.TrialsTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dqn bench scheduler}: what ASHA saves. Runs one search space twice in local mode, as a full grid (every
 * trial to the scheduler's last rung) and under the spec's ASHA scheduler, and compares the agent steps trained,
 * the best final evaluation among the trials that trained to the end, and the wall time.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
    description = "Agent steps and best evaluation of a search space as a full grid and under ASHA.")
public final class SchedulerBench implements Callable<Integer> {
  @Option(names = "--spec", defaultValue = "conf/sweeps/cartpole-asha.yaml",
      description = "A sweep spec with a scheduler: section (default: ${DEFAULT-VALUE}).")
  Path spec;

  @Option(names = "--parallel", description = "Trials at once, in both runs (default: every core).")
  Integer parallel;

  @Option(names = "--output", description = "Keep both sweeps' tables here (default: a temporary folder, deleted).")
  Path output;

  @Override
  public Integer call() throws Exception {
    SweepSpec asha = SweepSpec.load(spec, List.of()); // every spec error before anything runs
    if (!(asha.scheduler().orElse(null) instanceof AshaSettings settings)) {
      throw new ConfigException("--spec", spec + " has no ASHA scheduler; give a spec with scheduler: {type: asha, "
          + "...}, e.g. conf/sweeps/cartpole-asha.yaml");
    }
    int trials = SweepPlanner.plan(asha).size();
    if (trials < 2) {
      throw new ConfigException("--spec", spec + " plans " + trials + " trial: a scheduler needs several to compare");
    }
    Path dir = output != null ? output : Files.createTempDirectory("dqn-bench-scheduler");
    Files.createDirectories(dir);
    try {
      ObjectNode tree = (ObjectNode) Yaml.read(spec);
      tree.remove("faults");
      Path ashaSpec = dir.resolve("asha.yaml");
      Files.writeString(ashaSpec, Yaml.write(tree));
      // the grid: the same trials, each trained to the scheduler's last rung
      tree.remove("scheduler");
      tree.put("name", asha.name() + "-grid");
      ObjectNode set = tree.has("set") && tree.get("set").isObject() ? (ObjectNode) tree.get("set")
          : tree.putObject("set");
      set.put("trainer.max_agent_steps", settings.maxAgentSteps());
      Path gridSpec = dir.resolve("grid.yaml");
      Files.writeString(gridSpec, Yaml.write(tree));

      System.out.printf(Locale.ROOT, "# %d trials of %s: a full grid to %,d agent steps, then ASHA (rungs %s)%n",
          trials, asha.name(), settings.maxAgentSteps(), settings.rungs());
      Run grid = run(gridSpec, dir.resolve("grid"));
      Run ashaRun = run(ashaSpec, dir.resolve("asha"));
      if (grid == null || ashaRun == null) {
        return 1;
      }
      Figures f = new Figures(System.out);
      f.print("trials", trials);
      f.print("grid_agent_steps", grid.agentSteps);
      f.print("asha_agent_steps", ashaRun.agentSteps);
      f.print("steps_ratio", (double) ashaRun.agentSteps / grid.agentSteps);
      f.print("grid_best_eval", grid.best.finalEvalReturn());
      f.print("asha_best_eval", ashaRun.best.finalEvalReturn());
      f.print("grid_wall_s", grid.wallSeconds);
      f.print("asha_wall_s", ashaRun.wallSeconds);
      f.print("wall_ratio", ashaRun.wallSeconds / grid.wallSeconds);
      System.out.printf(Locale.ROOT, "grid: best %s (%s); ASHA: best %s (%s), %d of %d trials paused%n",
          Figures.format(grid.best.finalEvalReturn()), grid.best.params(),
          Figures.format(ashaRun.best.finalEvalReturn()), ashaRun.best.params(), ashaRun.paused, trials);
      return 0;
    } finally {
      if (output == null) {
        TrainBench.deleteTree(dir);
      }
    }
  }

  /** A sweep's totals: agent steps over all trials, its best trial among those trained to the end. */
  private record Run(long agentSteps, TrialsTable.Row best, long paused, double wallSeconds) {}

  private Run run(Path specFile, Path out) throws Exception {
    List<String> args = new ArrayList<>(List.of(specFile.toString(), "--output", out.toString(), "--progress-seconds",
        "60", "--tracking-uri", "none", "--max-trials", "100000"));
    if (parallel != null) {
      args.addAll(List.of("--parallel", Integer.toString(parallel)));
    }
    long t0 = System.nanoTime();
    int code = new CommandLine(new SweepJob()).execute(args.toArray(String[]::new));
    double wall = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      System.err.println("the sweep " + specFile + " failed (exit " + code + "): no figures");
      return null;
    }
    Path root;
    try (var folders = Files.list(out)) {
      root = folders.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    Map<String, TrialsTable.Row> rows = TrialsTable.read(new Configuration(), new org.apache.hadoop.fs.Path(
        root.toUri()));
    long steps = rows.values().stream().mapToLong(TrialsTable.Row::agentSteps).sum();
    TrialsTable.Row best = rows.values().stream()
        .filter(r -> r.status().equals(TrialOutcome.Status.FINISHED.name()) && !Double.isNaN(r.finalEvalReturn()))
        .max(Comparator.comparingDouble(TrialsTable.Row::finalEvalReturn)).orElseThrow();
    long paused = rows.values().stream().filter(r -> r.status().equals(TrialOutcome.Status.PAUSED.name())).count();
    return new Run(steps, best, paused, wall);
  }
}
