package org.dqnsweep.learn;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import org.dqnsweep.util.Torch;

/**
 * The CPU Adam pass in native code (src/main/c/adam.c): on libtorch's tensors in place, on libtorch's OpenMP
 * threads, with the Java pass's exact rounding. Built for Linux x86_64; elsewhere the learner uses the Java pass.
 */
final class AdamKernel {
  /** Where Maven puts the library in the jar. */
  private static final String RESOURCE = "/org/dqnsweep/learn/linux-x86_64/libdqnadam.so";
  private static final String UNAVAILABLE = load();

  private AdamKernel() {}

  /** Whether this platform has the library (Linux x86_64, where the build compiles it). */
  static boolean builtForThisPlatform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** Empty when the native pass is loaded and bound to libtorch's threads; else why the Java pass runs instead. */
  static Optional<String> unavailable() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  private static String load() {
    Torch.offline();
    Engine.getEngine("PyTorch"); // loads libtorch first: bind() looks for its OpenMP runtime
    if (!builtForThisPlatform()) {
      return "no native Adam for " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
    try (InputStream in = AdamKernel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return RESOURCE + " is not on the classpath (built without a C compiler?)";
      }
      // The loaded library stays mapped after its file is deleted: nothing is left in the temp folder.
      Path file = Files.createTempFile("dqnadam", ".so");
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        System.load(file.toString());
      } finally {
        Files.delete(file);
      }
    } catch (IOException | UnsatisfiedLinkError e) {
      return "cannot load " + RESOURCE + ": " + e.getMessage();
    }
    return bind();
  }

  /** Finds GOMP_parallel in libtorch's own libgomp; returns null, or why not. */
  private static native String bind();

  /**
   * One Adam step over {@code n} floats in place: {@code p}, {@code m} and {@code v} updated, {@code g} read,
   * multiplied by {@code rescale} and then clamped to [-clip, clip] when {@code clip > 0}.
   */
  static native void update(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int n, float stepSize,
      float correction2Sqrt, float eps, float rescale, float clip, int threads);
}
