package org.dqnsweep.jobs;

import org.dqnsweep.jobs.bench.BenchCommand;
import org.dqnsweep.util.Torch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/dqn}: the command line over the library and the jobs. */
@Command(
    name = "dqn",
    mixinStandardHelpOptions = true,
    version = "dqn-sweep 0.1.0",
    description = "DQN on Atari: hyperparameter sweeps on Spark, single trials, evaluation, benchmarks.",
    subcommands = {TrainCommand.class, PlayCommand.class, SweepJob.class, SqlJob.class, ScoreJob.class,
        MlflowSyncCommand.class, MlflowUiCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Cli {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return execute(new Cli(), args);
  }

  /** Runs one command (the whole command line, or a job's own main) with the project's error handling. */
  static int execute(Object command, String... args) {
    Torch.offline();
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(new Errors());
    return cli.execute(args);
  }
}
