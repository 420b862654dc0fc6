package org.dqnsweep.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.creds.MlflowHostCreds;

class MlflowAuthTest {
  @Test
  void noCredentials() {
    MlflowAuth auth = MlflowAuth.fromEnv("http://127.0.0.1:5000/", Map.of());
    assertEquals("http://127.0.0.1:5000", auth.trackingUri());
    assertEquals(Optional.empty(), auth.authorizationHeader());
    MlflowHostCreds creds = auth.hostCreds().getHostCreds();
    assertEquals("http://127.0.0.1:5000", creds.getHost());
    assertNull(creds.getToken());
    assertNull(creds.getUsername());
    assertFalse(creds.shouldIgnoreTlsVerification());
    HttpRequest request = auth.authorize(HttpRequest.newBuilder(URI.create("http://x/"))).build();
    assertTrue(request.headers().firstValue("Authorization").isEmpty());
  }

  @Test
  void tokenWinsOverUserAndPassword() {
    MlflowAuth auth = MlflowAuth.fromEnv("https://mlflow.example:443", Map.of("MLFLOW_TRACKING_TOKEN", "s3cr3t-token",
        "MLFLOW_TRACKING_USERNAME", "alice", "MLFLOW_TRACKING_PASSWORD", "pw"));
    assertEquals(Optional.of("Bearer s3cr3t-token"), auth.authorizationHeader());
    MlflowHostCreds creds = auth.hostCreds().getHostCreds();
    assertEquals("s3cr3t-token", creds.getToken());
    assertNull(creds.getUsername()); // else the mlflow-client would send Basic
    assertNull(creds.getPassword());
    HttpRequest request = auth.authorize(HttpRequest.newBuilder(URI.create("http://x/"))).build();
    assertEquals(Optional.of("Bearer s3cr3t-token"), request.headers().firstValue("Authorization"));
    assertFalse(auth.toString().contains("s3cr3t"), auth.toString());
  }

  @Test
  void basicFromUserAndPassword() {
    MlflowAuth auth = MlflowAuth.fromEnv("http://h:1", Map.of("MLFLOW_TRACKING_USERNAME", "alice",
        "MLFLOW_TRACKING_PASSWORD", "p:w\u00e9"));
    assertEquals(Optional.of("Basic YWxpY2U6cDp3w6k="), auth.authorizationHeader()); // base64("alice:p:wé")
    assertEquals("alice", auth.hostCreds().getHostCreds().getUsername());
    assertEquals("p:w\u00e9", auth.hostCreds().getHostCreds().getPassword());
    assertFalse(auth.toString().contains("alice") || auth.toString().contains("p:w"), auth.toString());
    assertThrows(IllegalArgumentException.class,
        () -> MlflowAuth.fromEnv("http://h:1", Map.of("MLFLOW_TRACKING_USERNAME", "alice")));
  }

  @Test
  void insecureTlsAndBadUris() {
    MlflowAuth auth = MlflowAuth.fromEnv("https://h:1", Map.of("MLFLOW_TRACKING_INSECURE_TLS", "TRUE"));
    assertTrue(auth.insecureTls());
    assertTrue(auth.hostCreds().getHostCreds().shouldIgnoreTlsVerification());
    assertTrue(auth.newHttpClient(Duration.ofSeconds(1)).sslContext().getProtocol().startsWith("TLS"));
    assertFalse(MlflowAuth.fromEnv("https://h:1", Map.of("MLFLOW_TRACKING_INSECURE_TLS", "1")).insecureTls());
    assertThrows(IllegalArgumentException.class, () -> MlflowAuth.fromEnv("", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> MlflowAuth.fromEnv("file:///tmp/mlruns", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> MlflowAuth.fromEnv("databricks", Map.of()));
  }
}
