package org.dqnsweep.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.track.MlflowLinks;
import org.dqnsweep.util.Venv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dqn mlflow-ui start|stop|status}: the project's local MLflow tracking server (UI + REST API), run by
 * {@code scripts/mlflow-server}; this command only runs the script and prints the UI's URL.
 */
@Command(name = "mlflow-ui", mixinStandardHelpOptions = true,
    description = {"Start, stop or check the local MLflow tracking server and UI (scripts/mlflow-server; state in "
        + ".mlflow/, or DQN_MLFLOW_STATE).", "Exit code of status: 0 running, 3 not running."})
public final class MlflowUiCommand implements Callable<Integer> {
  enum Action { start, stop, status }

  @Parameters(index = "0", paramLabel = "ACTION", description = "start, stop or status.")
  Action action;

  @Option(names = "--port", description = "Port for start (default: DQN_MLFLOW_PORT, else 5000).")
  Integer port;

  /**
   * The tracking server a command uses: {@code option}, else MLFLOW_TRACKING_URI, else (with {@code startLocal})
   * the local server, started if needed; null for {@code none}, or when nothing is given and no local server is
   * wanted.
   */
  static String trackingUri(String option, boolean startLocal) throws IOException, InterruptedException {
    String uri = option != null ? option : System.getenv("MLFLOW_TRACKING_URI");
    if (uri == null || uri.isBlank()) {
      if (!startLocal) { // a cluster has no local server to start
        System.out.println("MLflow: no MLFLOW_TRACKING_URI or --tracking-uri on a cluster: not tracking (log the "
            + "sweep later with bin/dqn mlflow-sync OUTPUT/<sweep_id>)");
        return null;
      }
      return startEmbedded();
    }
    if (uri.equals("none")) {
      return null;
    }
    if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
      throw new ConfigException("--tracking-uri", "'" + uri + "' is not an http(s) URI: the Java client talks to "
          + "a tracking server (it cannot write a local ./mlruns folder); start one with bin/dqn mlflow-ui start, "
          + "or pass none");
    }
    return uri;
  }

  /**
   * Starts the local server, or finds it running, and returns its URL: the embedded default tracking URI of
   * {@code bin/dqn sweep}. The server keeps running after the sweep, for comparing runs in the UI.
   */
  private static String startEmbedded() throws IOException, InterruptedException {
    Path script = Venv.home().resolve("scripts/mlflow-server");
    Process p = new ProcessBuilder(script.toString(), "start").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String url = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0 || url.isEmpty()) {
      throw new ConfigException("--tracking-uri", "the local MLflow server did not start (see the messages above; "
          + "its log is in .mlflow/): fix it, set MLFLOW_TRACKING_URI, or pass --tracking-uri none");
    }
    return url;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path script = Venv.home().resolve("scripts/mlflow-server");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException("no " + script + "; run bin/dqn from the project checkout");
    }
    List<String> cmd = new ArrayList<>(List.of(script.toString(), action.name()));
    if (port != null) {
      if (action != Action.start) {
        System.err.println("error: --port goes with start only");
        return 2;
      }
      cmd.addAll(List.of("--port", port.toString()));
    }
    // The script's messages go straight to our stderr; its stdout is the URL.
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
    String url = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int code = p.waitFor();
    if (code == 0 && !url.isEmpty()) {
      System.out.println("MLflow tracking URI: " + url);
      System.out.println("MLflow UI, model training view: " + MlflowLinks.experiments(url));
      if (action == Action.start) {
        System.out.println("(stop it with: bin/dqn mlflow-ui stop)");
      }
    }
    return code;
  }
}
