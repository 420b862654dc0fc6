package org.dqnsweep.track;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real MLflow tracking server for a test, started with {@code scripts/mlflow-server} from the project venv on a
 * free port of 127.0.0.1 and with its own temporary state dir (SQLite store, artifacts, log), so it never meets a
 * server the user runs. {@link #stop()} and {@link #restart()} keep port and state: a client sees an outage and
 * then the same server again. {@link #close()} stops it and deletes the state; a JVM shutdown hook does the same if
 * the test run dies first.
 *
 * <p>The project root comes from system property {@code dqn.home} (surefire sets it), else the working dir.
 */
public final class MlflowTestServer implements AutoCloseable {
  // The server is up in about 25 s on an idle 2-core machine; a CI host shared with other jobs has taken over 120.
  private static final int START_TIMEOUT_S = 300;

  private final Path script;
  private final Path state;
  private final int port;
  private final Thread shutdownHook;
  private long lastStartMillis = -1;
  private boolean running;

  private MlflowTestServer(Path script, Path state, int port) {
    this.script = script;
    this.state = state;
    this.port = port;
    this.shutdownHook = new Thread(() -> {
      stopQuietly();
      deleteState();
    }, "mlflow-test-server-stop");
  }

  private static MlflowTestServer shared;

  /**
   * The one server of this test JVM for tests that only need an experiment of their own and never stop, freeze or
   * restart it (each start costs about 25 s); the shutdown hook stops it and deletes its state when the JVM exits.
   */
  public static synchronized MlflowTestServer shared() {
    if (shared == null || !shared.running) {
      shared = start();
    }
    return shared;
  }

  /** Starts a server on a free port with a fresh temporary state dir. */
  public static MlflowTestServer start() {
    String home = System.getProperty("dqn.home");
    Path root = (home == null ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
    Path script = root.resolve("scripts/mlflow-server");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("no executable " + script + "; is dqn.home (" + home + ") the project root?");
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 3; attempt++) { // another process may take the free port before the server does
      Path state;
      try {
        state = Files.createTempDirectory("dqn-mlflow-test");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      MlflowTestServer server = new MlflowTestServer(script, state, freePort());
      try {
        server.startServer();
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        return server;
      } catch (IllegalStateException e) {
        last = e;
        server.deleteState();
        if (!e.getMessage().contains("is taken")) {
          throw e;
        }
      }
    }
    throw last;
  }

  /** The tracking URI, {@code http://127.0.0.1:<port>}. */
  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The state dir: {@code mlflow.db}, {@code artifacts/}, {@code server.log}. */
  public Path state() {
    return state;
  }

  /** Wall time of the last start, from launch to the first {@code GET /health} answering OK, in ms. */
  public long lastStartMillis() {
    return lastStartMillis;
  }

  public boolean isRunning() {
    return running;
  }

  /** Stops the server (the whole process group); port and state stay for {@link #restart()}. */
  public void stop() {
    thaw(); // a frozen server would not act on TERM
    run(List.of("stop"), 60);
    running = false;
  }

  /** Stops the server if it runs, then starts it again on the same port with the same state. */
  public void restart() {
    if (running) {
      stop();
    }
    startServer();
  }

  /**
   * Freezes the server (SIGSTOP to its process group): connections are still accepted by the kernel, but nothing
   * answers, as with a hung server. {@link #thaw()} lets it go on.
   */
  public void freeze() {
    signal("STOP");
  }

  /** Undoes {@link #freeze()} (SIGCONT). */
  public void thaw() {
    signal("CONT");
  }

  private void signal(String signal) {
    try {
      String pgid = Files.readString(state.resolve("server.pid")).strip();
      Process p = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " -- -" + pgid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The server log (appended across restarts), for failure messages. */
  public String log() {
    try {
      return Files.readString(state.resolve("server.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      stopQuietly();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    } finally {
      deleteState();
    }
  }

  private void startServer() {
    long t0 = System.nanoTime();
    String url = run(List.of("start", "--port", Integer.toString(port), "--timeout",
        Integer.toString(START_TIMEOUT_S)), START_TIMEOUT_S + 30).strip();
    lastStartMillis = (System.nanoTime() - t0) / 1_000_000;
    if (!url.equals(uri())) {
      throw new IllegalStateException("scripts/mlflow-server start printed '" + url + "', expected " + uri());
    }
    running = true;
  }

  private void stopQuietly() {
    try {
      if (Files.exists(state.resolve("server.pid"))) {
        signal("CONT"); // a frozen server would not act on TERM
        run(List.of("stop"), 60);
      }
    } catch (RuntimeException e) {
      System.err.println("MlflowTestServer: stop failed: " + e.getMessage());
    }
    running = false;
  }

  /** Runs the script with this server's state dir; returns stdout, or throws with stderr. */
  private String run(List<String> args, int timeoutSeconds) {
    List<String> cmd = Stream.concat(Stream.of(script.toString()), args.stream()).toList();
    try {
      Path err = Files.createTempFile("mlflow-server", ".err");
      try {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
        pb.environment().put("DQN_MLFLOW_STATE", state.toString());
        pb.environment().remove("DQN_MLFLOW_PORT");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
              + Files.readString(err));
        }
        return out;
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + cmd, e);
    }
  }

  private void deleteState() {
    try (Stream<Path> files = Files.walk(state)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      System.err.println("MlflowTestServer: cannot delete " + state + ": " + e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
