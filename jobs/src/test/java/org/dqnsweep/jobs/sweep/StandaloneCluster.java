package org.dqnsweep.jobs.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1 for integration tests ({@code *IT}, run by failsafe in
 * {@code mvn verify}, after the fat jar is packaged): a master and N workers with two fake GPUs each, started by
 * {@code scripts/spark-standalone} from the venv's pyspark, and spark-submit runs against it.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.start(2)) {
 *   StandaloneCluster.Result r = cluster.submit(List.of(
 *       "--conf", "spark.executor.resource.gpu.amount=1", "--conf", "spark.task.resource.gpu.amount=0.5",
 *       "--class", "org.dqnsweep.jobs.SweepJob", cluster.fatJar().toString(), "conf/sweeps/quickstart.yaml"));
 *   assertEquals(0, r.exitCode(), r::output);
 * }
 * }</pre>
 *
 * <p>The project root comes from the system property {@code dqn.home} (surefire and failsafe set it). The cluster's
 * state (conf, logs, pids, executor work dirs) is in {@code jobs/target/spark-standalone}, apart from a cluster
 * started by hand in {@code .spark/}; a cluster a crashed test run left there is stopped before a new one starts.
 * spark-submit runs from the project root, so relative paths in its arguments are relative to the root.
 */
public final class StandaloneCluster implements AutoCloseable {
  /** The fat jar of jobs, built by {@code mvn package} (maven-shade-plugin, classifier {@code spark}). */
  public static final String FAT_JAR = "jobs/target/dqn-jobs-0.1.0-SNAPSHOT-spark.jar";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  /** What a spark-submit run left: its exit code and its whole stdout and stderr. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Both streams, for assertion messages. */
    public String output() {
      return "exit code " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }

    /** The stdout lines starting with {@code prefix}. */
    public List<String> lines(String prefix) {
      return stdout.lines().filter(l -> l.startsWith(prefix)).toList();
    }
  }

  private final Path home;
  private final Path state;
  private final String masterUrl;
  private final Thread shutdownHook;
  private boolean closed;

  private StandaloneCluster(Path home, Path state, String masterUrl) {
    this.home = home;
    this.state = state;
    this.masterUrl = masterUrl;
    // A test JVM ended by a signal (failsafe's timeout, Ctrl-C) still stops the cluster.
    this.shutdownHook = new Thread(this::stopQuietly, "standalone-cluster-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a master and {@code workers} workers and waits until all are ALIVE. */
  public static StandaloneCluster start(int workers) throws IOException, InterruptedException {
    Path home = projectHome();
    Path state = home.resolve("jobs/target/spark-standalone");
    // Left over by a test JVM that was killed: this directory is the tests' own, so stopping it hurts no one.
    script(home, state, Duration.ofSeconds(60), "stop");
    Result started = script(home, state, START_TIMEOUT, "start", "--workers", Integer.toString(workers));
    List<String> out = started.stdout().strip().lines().toList();
    if (started.exitCode() != 0 || out.isEmpty() || !out.get(out.size() - 1).startsWith("spark://")) {
      throw new IllegalStateException("scripts/spark-standalone start failed (" + started.output() + ")");
    }
    return new StandaloneCluster(home, state, out.get(out.size() - 1));
  }

  /** {@code spark://127.0.0.1:7077}. */
  public String masterUrl() {
    return masterUrl;
  }

  /** The project root. */
  public Path home() {
    return home;
  }

  /** The spark-submit fat jar; fails if {@code mvn package} has not built it. */
  public Path fatJar() {
    return existing(FAT_JAR);
  }

  /** The daemons' logs; executors' stdout and stderr are under {@link #workDir()}/app-.../N/. */
  public Path logDir() {
    return state.resolve("logs");
  }

  public Path workDir() {
    return state.resolve("work");
  }

  /** The venv's spark-submit. */
  public Path sparkSubmit() throws IOException {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home.resolve(".venv/lib"), "python3*")) {
      for (Path dir : dirs) {
        Path submit = dir.resolve("site-packages/pyspark/bin/spark-submit");
        if (Files.isExecutable(submit)) {
          return submit;
        }
      }
    }
    throw new IllegalStateException("no pyspark/bin/spark-submit in " + home.resolve(".venv") + "; run bin/setup --venv");
  }

  /**
   * Runs {@code spark-submit --master <masterUrl> <args>} from the project root and waits for it (client deploy
   * mode: the driver runs in the spark-submit process, so its output is the returned stdout).
   */
  public Result submit(List<String> args, Duration timeout) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(sparkSubmit().toString());
    command.add("--master");
    command.add(masterUrl);
    command.addAll(args);
    return run(home, command, Map.of(), timeout, "spark-submit");
  }

  /** Stops the master, the workers and their executors. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to
    }
    Result stopped;
    try {
      stopped = script(home, state, Duration.ofSeconds(60), "stop");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the cluster; scripts/spark-standalone stop with DQN_SPARK_STATE="
          + state + " stops it", e);
    }
    if (stopped.exitCode() != 0) {
      throw new IllegalStateException("scripts/spark-standalone stop failed (" + stopped.output() + ")");
    }
  }

  private void stopQuietly() {
    try {
      script(home, state, Duration.ofSeconds(60), "stop");
    } catch (IOException | InterruptedException e) {
      // the JVM is exiting; nothing more to do
    }
  }

  private Path existing(String relative) {
    Path path = home.resolve(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(path + " is missing: it is built by mvn package (run the cluster tests with mvn verify)");
    }
    return path;
  }

  private static Path projectHome() {
    String home = System.getProperty("dqn.home");
    if (home == null) {
      throw new IllegalStateException("system property dqn.home (the project root) is not set; surefire and failsafe set it");
    }
    return Path.of(home).toAbsolutePath().normalize();
  }

  private static Result script(Path home, Path state, Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("scripts/spark-standalone").toString());
    command.addAll(List.of(args));
    return run(home, command, Map.of("DQN_SPARK_STATE", state.toString()), timeout, "spark-standalone " + args[0]);
  }

  private static Result run(Path dir, List<String> command, Map<String, String> env, Duration timeout, String what)
      throws IOException, InterruptedException {
    Path outDir = dir.resolve("jobs/target/spark-standalone-runs");
    Files.createDirectories(outDir);
    // Files, not pipes: nothing blocks on a full pipe buffer, and the output stays for a look after a failure.
    Path stdout = Files.createTempFile(outDir, what.replace(' ', '-') + "-", ".out");
    Path stderr = Files.createTempFile(outDir, what.replace(' ', '-') + "-", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
    Map<String, String> environment = builder.environment();
    // The driver binds where the cluster does (else Spark picks the host's first non-loopback address), and
    // nothing from a SPARK_CONF_DIR / SPARK_HOME of the caller's environment leaks in.
    environment.put("SPARK_LOCAL_IP", "127.0.0.1");
    environment.remove("SPARK_CONF_DIR");
    environment.remove("SPARK_HOME");
    environment.putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      throw new IllegalStateException(what + " did not finish within " + timeout + "; output in " + stdout + ", " + stderr);
    }
    return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
