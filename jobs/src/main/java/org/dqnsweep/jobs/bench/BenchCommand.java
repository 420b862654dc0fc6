package org.dqnsweep.jobs.bench;

import picocli.CommandLine.Command;

/** {@code dqn bench ...}: benchmarks that print {@code name=value} lines, then a human summary. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks; each figure is printed on its own line as name=value.",
    subcommands = {EnvBench.class, ReplayBench.class, LearnerBench.class, TrainBench.class, SweepBench.class,
        SchedulerBench.class, SqlBench.class})
public final class BenchCommand {}
