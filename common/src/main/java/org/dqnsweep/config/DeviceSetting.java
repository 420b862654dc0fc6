package org.dqnsweep.config;

/**
 * Where a trial trains, as {@code trainer.device} says it: {@code auto} (the GPU a Spark task was given, else the
 * CPU), {@code cpu}, or {@code gpu:N} ({@code gpu} alone is {@code gpu:0}).
 *
 * @param kind which of the three
 * @param gpu the GPU's index (GPU only)
 */
public record DeviceSetting(Kind kind, int gpu) {
  public static final DeviceSetting AUTO = new DeviceSetting(Kind.AUTO, 0);
  public static final DeviceSetting CPU = new DeviceSetting(Kind.CPU, 0);

  /** The closed set of device words. */
  public enum Kind { AUTO, CPU, GPU }

  public DeviceSetting {
    ConfigException.require(kind != null && gpu >= 0 && (kind == Kind.GPU || gpu == 0), "trainer.device",
        "expected auto, cpu, gpu or gpu:N");
  }

  public static DeviceSetting gpu(int index) {
    return new DeviceSetting(Kind.GPU, index);
  }

  /** Reads a device word; the config reader calls this for {@code trainer.device}. */
  public static DeviceSetting parse(String word) {
    String w = word.trim().toLowerCase(java.util.Locale.ROOT);
    if (w.equals("auto")) {
      return AUTO;
    }
    if (w.equals("cpu")) {
      return CPU;
    }
    if (w.matches("gpu(:\\d{1,4})?")) {
      return gpu(w.equals("gpu") ? 0 : Integer.parseInt(w.substring(4)));
    }
    throw new IllegalArgumentException("expected auto, cpu, gpu or gpu:N, got '" + word + "'");
  }

  /** The word {@link #parse} reads back. */
  @Override
  public String toString() {
    return kind == Kind.GPU ? "gpu:" + gpu : Configs.word(kind);
  }
}
