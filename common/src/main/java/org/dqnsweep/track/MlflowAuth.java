package org.dqnsweep.track;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;

/**
 * Where an MLflow tracking server is and how to authenticate to it, from the environment variables MLflow's own
 * clients read: {@code MLFLOW_TRACKING_TOKEN} (sent as {@code Authorization: Bearer}), else
 * {@code MLFLOW_TRACKING_USERNAME} + {@code MLFLOW_TRACKING_PASSWORD} (Basic), and
 * {@code MLFLOW_TRACKING_INSECURE_TLS=true} (any server certificate and host name accepted). One instance serves both
 * the mlflow-client ({@link #newClient()}) and raw HTTP calls ({@link #newHttpClient}, {@link #authorize}), so both
 * always send the same credentials.
 *
 * <p>{@link #toString()} names the kind of authentication only, never a secret or a user name.
 */
public final class MlflowAuth {
  private final String trackingUri;
  private final String token;
  private final String username;
  private final String password;
  private final boolean insecureTls;

  private MlflowAuth(String trackingUri, String token, String username, String password, boolean insecureTls) {
    this.trackingUri = trackingUri;
    this.token = token;
    this.username = username;
    this.password = password;
    this.insecureTls = insecureTls;
  }

  /** The server at {@code trackingUri} (http or https), with the credentials of this process's environment. */
  public static MlflowAuth fromEnv(String trackingUri) {
    return fromEnv(trackingUri, System.getenv());
  }

  /** As {@link #fromEnv(String)}, from the given variables (tests). */
  public static MlflowAuth fromEnv(String trackingUri, Map<String, String> env) {
    String uri = normalize(trackingUri);
    String token = blankToNull(env.get("MLFLOW_TRACKING_TOKEN"));
    String username = blankToNull(env.get("MLFLOW_TRACKING_USERNAME"));
    String password = env.get("MLFLOW_TRACKING_PASSWORD");
    if (token != null) {
      username = null; // a token wins (the mlflow-client itself would prefer Basic when both are set)
      password = null;
    } else if (username != null && password == null) {
      throw new IllegalArgumentException("MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD is not");
    } else if (username == null) {
      password = null;
    }
    boolean insecure = "true".equalsIgnoreCase(String.valueOf(env.get("MLFLOW_TRACKING_INSECURE_TLS")).trim());
    return new MlflowAuth(uri, token, username, password, insecure);
  }

  /** The tracking URI without a trailing slash, e.g. {@code http://127.0.0.1:5000}. */
  public String trackingUri() {
    return trackingUri;
  }

  public boolean insecureTls() {
    return insecureTls;
  }

  /** The {@code Authorization} header value, if any credentials are set. */
  public Optional<String> authorizationHeader() {
    if (token != null) {
      return Optional.of("Bearer " + token);
    }
    if (username != null) {
      String pair = username + ":" + password;
      return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }

  /** Adds the {@code Authorization} header (if any) to a request of {@link #newHttpClient}. */
  public HttpRequest.Builder authorize(HttpRequest.Builder request) {
    authorizationHeader().ifPresent(value -> request.header("Authorization", value));
    return request;
  }

  /**
   * Credentials for the mlflow-client: host, then user + password or token, then whether to skip TLS checks. Its
   * insecure mode trusts self-signed certificates only (TrustSelfSignedStrategy) and skips the host name check.
   */
  public MlflowHostCredsProvider hostCreds() {
    return new BasicMlflowHostCreds(trackingUri, username, password, token, insecureTls);
  }

  /**
   * A new mlflow-client on this server. Its HTTP client has no connect or read timeout (a server that accepts
   * but never answers blocks the caller; {@link MlflowRuns} bounds each call), retries any 4xx/5xx answer up to 3
   * attempts in all, and throws {@code MlflowClientException} at once on a refused connection.
   */
  public MlflowClient newClient() {
    return new MlflowClient(hostCreds());
  }

  /** An HTTP client for raw REST calls; with insecure TLS it accepts any certificate and host name. */
  public HttpClient newHttpClient(Duration connectTimeout) {
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL);
    if (insecureTls) {
      builder.sslContext(trustAll());
    }
    return builder.build();
  }

  @Override
  public String toString() {
    String auth = token != null ? "bearer token" : username != null ? "basic" : "none";
    return "MlflowAuth[" + trackingUri + ", auth " + auth + (insecureTls ? ", insecure TLS" : "") + "]";
  }

  private static String normalize(String trackingUri) {
    if (trackingUri == null || trackingUri.isBlank()) {
      throw new IllegalArgumentException("no MLflow tracking URI (e.g. http://127.0.0.1:5000)");
    }
    String uri = trackingUri.trim();
    while (uri.endsWith("/")) {
      uri = uri.substring(0, uri.length() - 1);
    }
    String scheme = URI.create(uri).getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("MLflow tracking URI '" + trackingUri
          + "' is not http(s); point it at a tracking server (scripts/mlflow-server start prints one)");
    }
    return uri;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * A TLS context that trusts every certificate. An {@link X509ExtendedTrustManager} is handed the host name check
   * too, so java.net.http skips that as well.
   */
  private static SSLContext trustAll() {
    TrustManager trustAll = new X509ExtendedTrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket s) {}
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) {}
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up trust-all TLS for MLFLOW_TRACKING_INSECURE_TLS", e);
    }
  }
}
