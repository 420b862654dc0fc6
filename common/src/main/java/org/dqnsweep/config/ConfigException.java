package org.dqnsweep.config;

/** A bad setting: names the key path, what is wrong and how to fix it. */
public final class ConfigException extends IllegalArgumentException implements NotRetryable {
  private final String keyPath;

  public ConfigException(String keyPath, String problem) {
    super(keyPath + ": " + problem);
    this.keyPath = keyPath;
  }

  public String keyPath() {
    return keyPath;
  }

  /** Throws a ConfigException for {@code keyPath} unless {@code ok}. */
  public static void require(boolean ok, String keyPath, String problem) {
    if (!ok) {
      throw new ConfigException(keyPath, problem);
    }
  }
}
