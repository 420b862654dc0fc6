package org.dqnsweep.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/mlflow-server when its port is taken by another program: without a port given it moves to a free one,
 * says which and keeps it for later starts; a port given explicitly that is taken stays an error.
 */
class MlflowServerPortTest {
  private static final Path SCRIPT = Path.of(System.getProperty("dqn.home", "..")).toAbsolutePath().normalize()
      .resolve("scripts/mlflow-server");

  private record Result(int code, String out, String err) {}

  private static Result run(Path state, Map<String, String> env, String... args) throws Exception {
    Path err = Files.createTempFile(state, "err", ".txt");
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
    pb.environment().remove("DQN_MLFLOW_PORT");
    pb.environment().put("DQN_MLFLOW_STATE", state.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the script finished");
    return new Result(p.exitValue(), out, Files.readString(err));
  }

  @Test
  void aTakenDefaultPortMovesTheServerAndAnExplicitOneIsRefused(@TempDir Path state) throws Exception {
    try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int taken = other.getLocalPort();
      Map<String, String> defaultPort = Map.of("DQN_MLFLOW_DEFAULT_PORT", Integer.toString(taken));
      try {
        Result start = run(state, defaultPort, "start");
        assertEquals(0, start.code(), start.err());
        assertTrue(start.err().contains("port 127.0.0.1:" + taken + " is taken by another program; using"),
            start.err());
        assertTrue(start.out().startsWith("http://127.0.0.1:"), start.out());
        assertNotEquals("http://127.0.0.1:" + taken, start.out());
        Result url = run(state, defaultPort, "url");
        assertEquals(start.out(), url.out(), "every client finds the moved server");
      } finally {
        run(state, defaultPort, "stop");
      }
      Result explicit = run(state, Map.of("DQN_MLFLOW_PORT", Integer.toString(taken)), "start");
      assertEquals(1, explicit.code(), explicit.out());
      assertTrue(explicit.err().contains("port 127.0.0.1:" + taken + " is taken by another process"), explicit.err());
    }
  }
}
