package org.dqnsweep.track;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.MlflowClientException;

/** A server that accepts connections but never answers fails each call after the deadline, naming the server. */
class MlflowRunsDeadlineTest {
  @Test
  void aSilentServerFailsTheCallAtTheDeadline() throws Exception {
    // the kernel completes connections into the backlog; nobody ever reads or answers them
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        MlflowRuns runs = new MlflowRuns(MlflowAuth.fromEnv("http://127.0.0.1:" + silent.getLocalPort(), Map.of()),
            Duration.ofMillis(800))) {
      long t0 = System.nanoTime();
      MlflowClientException e = assertThrows(MlflowClientException.class, () -> runs.experiment("sweep"));
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(e.getMessage().contains("127.0.0.1:" + silent.getLocalPort())
          && e.getMessage().contains("did not answer searchExperiments within"), e.getMessage());
      assertTrue(seconds >= 0.7 && seconds < 30, "waited " + seconds + " s");
      // the next call is not queued behind the stuck one
      assertThrows(MlflowClientException.class, () -> runs.run("abc"));
    }
  }
}
