package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dqnsweep.track.MlflowTestServer;
import org.dqnsweep.util.Venv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes the committed notebooks headless with papermill from the venv, on the kernel {@code dqn-venv} that
 * bin/setup registers (the venv's python), against one tiny CartPole sweep tracked by a real MLflow server. A cell
 * error fails papermill and so the test; the executed copies go to a temp dir.
 */
class NotebooksTest {
  private static final String KERNEL = "dqn-venv";
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

  @TempDir
  static Path dir;
  private static MlflowTestServer server;
  private static Path sweep;

  @BeforeAll
  static void sweep() throws IOException {
    server = MlflowTestServer.start();
    Path spec = TinySweeps.write(dir, "nb", TinySweeps.cartPoleBase(1500, 500, 500), """
        grid:
          learner.lr: [1.0e-3, 3.0e-4]
          exploration:
            - {schedule: linear, end: 0.05, decay_agent_steps: 400}
            - {schedule: exponential, end: 0.05, decay_agent_steps: 400}
        transitions: {frames: none}
        """);
    Path out = dir.resolve("out");
    CliRunner.Run r = CliRunner.run("sweep", spec.toString(), "--output", out.toString(), "--tracking-uri",
        server.uri(), "--progress-seconds", "5");
    assertEquals(0, r.code(), r.out() + r.err());
    try (Stream<Path> s = Files.list(out)) {
      sweep = s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void replayAnalysisRunsOnTheSweepAndWritesItsFigures() throws Exception {
    Path figures = dir.resolve("replay-figures");
    Papermill run = papermill("replay_analysis", "SWEEP", sweep.toString(), "OUT_DIR", figures.toString());
    assertEquals(0, run.code(), "replay_analysis.ipynb failed:\n" + run.output());
    assertRanOnTheVenvKernel(run);
    assertFigures(figures, "learning_curves.png", "action_distribution.png", "q_vs_return.png",
        "q_vs_return_scatter.png", "epsilon_vs_return.png");
    List<String> csv = Files.readAllLines(figures.resolve("trials.csv"));
    assertEquals(1 + 4, csv.size(), "a header and the four trials: " + csv);
  }

  @Test
  void compareTrialsRunsOnTheSweepsMlflowRuns() throws Exception {
    Path figures = dir.resolve("compare-figures");
    Papermill run = papermill("compare_trials", "TRACKING_URI", server.uri(), "EXPERIMENT", "nb",
        "SWEEP_ID", sweep.getFileName().toString(), "OUT_DIR", figures.toString());
    assertEquals(0, run.code(), "compare_trials.ipynb failed:\n" + run.output() + "\nserver log:\n" + server.log());
    assertRanOnTheVenvKernel(run);
    assertTrue(run.notebook().contains("best_trial_id"), "the parent's best_trial tags are shown");
    assertFigures(figures, "metric_history.png", "final_eval_by_params.png", "parallel_coordinates.png");
    assertEquals(1 + 4, Files.readAllLines(figures.resolve("mlflow_trials.csv")).size());
  }

  @Test
  void aFailingCellFailsTheRun() throws Exception {
    Papermill run = papermill("replay_analysis", "SWEEP", dir.resolve("no-such-sweep").toString(),
        "OUT_DIR", dir.resolve("unused").toString());
    assertNotEquals(0, run.code(), run.output());
    assertTrue(run.output().contains("FileNotFoundError") && run.output().contains("is not a sweep folder"),
        run.output());
  }

  private static void assertRanOnTheVenvKernel(Papermill run) {
    assertTrue(run.notebook().contains("kernel python: " + Venv.python()),
        "the kernel is the venv's python " + Venv.python() + ":\n" + run.output());
  }

  private static void assertFigures(Path figures, String... names) throws IOException {
    for (String name : names) {
      Path f = figures.resolve(name);
      assertTrue(Files.isRegularFile(f), "missing figure " + f);
      byte[] head = Arrays.copyOf(Files.readAllBytes(f), 4);
      assertArrayEquals(PNG, head, name + " is a PNG");
      assertTrue(Files.size(f) > 10_000, name + " has something drawn in it: " + Files.size(f) + " bytes");
    }
  }

  record Papermill(int code, String output, String notebook) {}

  /** {@code .venv/bin/python -m papermill notebooks/<name>.ipynb <temp>/<name>.ipynb -k dqn-venv -r K V ...}. */
  private static Papermill papermill(String name, String... params) throws IOException, InterruptedException {
    Path in = Venv.home().resolve("notebooks").resolve(name + ".ipynb");
    Path executed = Files.createTempDirectory(dir, name).resolve(name + ".ipynb");
    List<String> cmd = new ArrayList<>(List.of(Venv.python().toString(), "-m", "papermill", in.toString(),
        executed.toString(), "-k", KERNEL, "--cwd", Venv.home().toString(), "--log-output",
        "--execution-timeout", "600"));
    for (int i = 0; i < params.length; i += 2) {
      cmd.addAll(List.of("-r", params[i], params[i + 1]));
    }
    Path log = Files.createTempFile(dir, name, ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      return new Papermill(-1, "timed out after 15 min: " + String.join(" ", cmd) + "\n" + read(log), "");
    }
    String output = String.join(" ", cmd) + "\n" + read(log);
    if (output.contains("No such kernel")) {
      output += "\n(the kernel " + KERNEL + " is registered in the venv by bin/setup --venv)";
    }
    return new Papermill(p.exitValue(), output, Files.exists(executed) ? read(executed) : "");
  }

  private static String read(Path f) throws IOException {
    return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
  }
}
