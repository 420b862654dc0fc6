package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dqnsweep.track.MlflowAuth;
import org.dqnsweep.track.MlflowTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;

/**
 * Credentials from the environment reach the tracking server on every request of a sweep (driver and tasks) and
 * nowhere else: not in the console output, the logs, the MLflow params and tags, or the output folder. The
 * sweep runs in its own JVM with MLFLOW_TRACKING_TOKEN set, against a real server seen through a recording
 * pass-through proxy.
 */
class TrackingAuthTest {
  private static final String TOKEN = "s3cr3t-token-7f3a9";

  /** Forwards every request to the real server and records its Authorization header. */
  private static final class RecordingProxy implements AutoCloseable {
    final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    RecordingProxy(String target) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", exchange -> forward(exchange, target));
      server.start();
    }

    String uri() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange, String target) throws IOException {
      try (exchange) {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "<none>" : auth);
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
          request.header("Content-Type", type);
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
        exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response.body());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  void theTokenIsSentOnEveryRequestAndWrittenNowhere(@TempDir Path dir) throws Exception {
    Path spec = TinySweeps.write(dir, "auth", TinySweeps.cartPoleBase(400, 200, 0), "seeds: [1]\n");
    Path out = dir.resolve("out");
    MlflowTestServer server = MlflowTestServer.shared(); // this test's experiment is its own
    try (RecordingProxy proxy = new RecordingProxy(server.uri())) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments()); // -Xmx, add-opens, dqn.home, ...
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName(), "sweep",
          spec.toString(), "--output", out.toString(), "--tracking-uri", proxy.uri()));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().put("MLFLOW_TRACKING_TOKEN", TOKEN);
      Process p = pb.start();
      String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(5, TimeUnit.MINUTES));
      assertEquals(0, p.exitValue(), console);

      assertTrue(proxy.authorizations.size() > 10, "requests seen: " + proxy.authorizations.size());
      assertEquals(List.of("Bearer " + TOKEN), proxy.authorizations.stream().distinct().toList(),
          "every request, from the driver and from the task, carries the token");
      assertFalse(console.contains(TOKEN), "the console output holds no token");
      try (Stream<Path> files = Files.walk(out)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(TOKEN), f.toString());
        }
      }
      try (MlflowClient client = MlflowAuth.fromEnv(server.uri(), Map.of()).newClient()) {
        String exp = client.getExperimentByName("auth").orElseThrow().getExperimentId();
        List<Run> runs = client.searchRuns(List.of(exp), "", ViewType.ALL, 10).getItems();
        assertEquals(2, runs.size());
        for (Run r : runs) {
          assertFalse(r.getData().toString().contains(TOKEN), "params and tags hold no token");
        }
      }
    }
  }
}
