package org.dqnsweep.track;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's artifacts through the tracking server's artifact proxy ({@code mlflow server --serve-artifacts}), over
 * plain HTTP. The mlflow-client's own {@code logArtifact}/{@code listArtifacts} are not used: for an
 * {@code mlflow-artifacts:} URI they shell out to a Python {@code mlflow} command line.
 *
 * <p>Paths: a run whose {@code artifact_uri} is {@code mlflow-artifacts:/<experiment>/<run>/artifacts} (what a
 * server with {@code --default-artifact-root mlflow-artifacts:/} gives every run) stores {@code <path>} at
 * {@code PUT|GET <tracking>/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>}, which the server
 * writes to {@code <artifacts-destination>/<experiment>/<run>/artifacts/<path>}; the listing is
 * {@code GET <tracking>/api/2.0/mlflow/artifacts/list?run_id=<run>&path=<dir>}. An artifact URI of the form
 * {@code http(s)://host/api/2.0/mlflow-artifacts/artifacts/...} is used as it is.
 *
 * <p>Every call is synchronous and bounded by the request timeout; failures are {@link IOException}s that name the
 * URL and the server's answer (never a credential).
 */
public final class MlflowArtifacts {
  private static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts/";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One entry of a listing: a path relative to the run's artifact root, as the server reports it. */
  public record ArtifactFile(String path, boolean isDir, long fileSize) {}

  private final MlflowAuth auth;
  private final HttpClient http;
  private final Duration requestTimeout;

  public MlflowArtifacts(MlflowAuth auth, Duration connectTimeout, Duration requestTimeout) {
    this.auth = auth;
    this.http = auth.newHttpClient(connectTimeout);
    this.requestTimeout = requestTimeout;
  }

  /** With a 10 s connect timeout and a 5 min request timeout (checkpoints can be large). */
  public MlflowArtifacts(MlflowAuth auth) {
    this(auth, Duration.ofSeconds(10), Duration.ofMinutes(5));
  }

  /** Uploads {@code bytes} as {@code path} (relative, '/'-separated) under the run's artifact root. */
  public void upload(String runArtifactUri, String path, byte[] bytes) throws IOException {
    put(artifactUrl(runArtifactUri, path), HttpRequest.BodyPublishers.ofByteArray(bytes));
  }

  /** Uploads a file as {@code path} (relative, '/'-separated) under the run's artifact root, streamed. */
  public void upload(String runArtifactUri, String path, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException("no file " + file + " to upload as MLflow artifact " + path);
    }
    put(artifactUrl(runArtifactUri, path), HttpRequest.BodyPublishers.ofFile(file));
  }

  /** Downloads the artifact {@code path} of the run. */
  public byte[] download(String runArtifactUri, String path) throws IOException {
    URI url = artifactUrl(runArtifactUri, path);
    HttpResponse<byte[]> response = send(request(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    check(response.statusCode(), url, "GET", () -> new String(response.body(), StandardCharsets.UTF_8));
    return response.body();
  }

  /**
   * The entries directly under {@code dir} (relative; "" for the root) of the run's artifacts, through the
   * tracking API. Directories come back with {@code isDir}; list them again to go deeper.
   */
  public List<ArtifactFile> list(String runId, String dir) throws IOException {
    String query = "run_id=" + URLEncoder.encode(runId, StandardCharsets.UTF_8);
    String clean = dir == null ? "" : checkedPath(dir, true);
    if (!clean.isEmpty()) {
      query += "&path=" + URLEncoder.encode(clean, StandardCharsets.UTF_8);
    }
    URI url = URI.create(auth.trackingUri() + "/api/2.0/mlflow/artifacts/list?" + query);
    HttpResponse<String> response = send(request(url).GET().build(), HttpResponse.BodyHandlers.ofString());
    check(response.statusCode(), url, "GET", response::body);
    List<ArtifactFile> files = new ArrayList<>();
    for (JsonNode f : JSON.readTree(response.body()).path("files")) {
      files.add(new ArtifactFile(f.path("path").asText(), f.path("is_dir").asBoolean(false),
          f.path("file_size").asLong(0)));
    }
    return files;
  }

  /**
   * The proxy URL of {@code path} under a run's artifact URI: {@code mlflow-artifacts:/1/abc/artifacts} +
   * {@code ckpt/a b.bin} -> {@code <tracking>/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/ckpt/a%20b.bin}.
   */
  public URI artifactUrl(String runArtifactUri, String path) {
    String relative = checkedPath(path, false);
    URI root = URI.create(runArtifactUri);
    String base;
    if ("mlflow-artifacts".equals(root.getScheme())) {
      // mlflow-artifacts:/<exp>/<run>/artifacts; a host in the URI (mlflow-artifacts://host/...) is the server's.
      String rootPath = root.getPath() == null ? "" : root.getPath().replaceAll("^/+|/+$", "");
      if (rootPath.isEmpty()) {
        throw new IllegalArgumentException("artifact URI '" + runArtifactUri + "' names no run folder");
      }
      base = auth.trackingUri() + PROXY + encodeSegments(rootPath);
    } else if (("http".equals(root.getScheme()) || "https".equals(root.getScheme()))
        && root.getRawPath() != null && root.getRawPath().contains(PROXY)) {
      base = runArtifactUri.replaceAll("/+$", "");
    } else {
      throw new IllegalArgumentException("run artifact URI '" + runArtifactUri + "' is not served by the "
          + "tracking server's artifact proxy; start the server with --serve-artifacts and "
          + "--default-artifact-root mlflow-artifacts:/ (scripts/mlflow-server does), for a new experiment");
    }
    return URI.create(base + "/" + encodeSegments(relative));
  }

  private void put(URI url, HttpRequest.BodyPublisher body) throws IOException {
    HttpRequest request = request(url).header("Content-Type", "application/octet-stream").PUT(body).build();
    HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
    check(response.statusCode(), url, "PUT", response::body);
  }

  private HttpRequest.Builder request(URI url) {
    return auth.authorize(HttpRequest.newBuilder(url).timeout(requestTimeout));
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + request.method() + " " + request.uri(), e);
    } catch (IOException e) {
      throw new IOException(request.method() + " " + request.uri() + " failed: " + e, e);
    }
  }

  private static void check(int status, URI url, String method, java.util.function.Supplier<String> body)
      throws IOException {
    if (status / 100 != 2) {
      String text = body.get();
      if (text != null && text.length() > 500) {
        text = text.substring(0, 500) + "...";
      }
      throw new IOException(method + " " + url + " answered HTTP " + status + ": " + text);
    }
  }

  /** A relative '/'-separated path without empty, "." or ".." segments (the server would resolve those). */
  private static String checkedPath(String path, boolean emptyAllowed) {
    String p = path.replace('\\', '/');
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      if (emptyAllowed) {
        return p;
      }
      throw new IllegalArgumentException("empty artifact path");
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("artifact path '" + path + "' has an empty, '.' or '..' segment");
      }
    }
    return p;
  }

  private static String encodeSegments(String path) {
    StringBuilder out = new StringBuilder();
    for (String segment : path.split("/")) {
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }
}
