package org.dqnsweep.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The native CPU passes (src/main/c): Adam's update and the scaling of uint8 screens, on libtorch's tensors in place
 * and on libtorch's OpenMP threads, each rounding exactly as the Java or engine code it stands in for. Built for
 * Linux x86_64; elsewhere the learner uses a Java Adam pass and the engine's ops.
 */
public final class CpuKernels {
  /** Where Maven puts the library in the jar. */
  private static final String RESOURCE = "/org/dqnsweep/util/linux-x86_64/libdqnkernels.so";
  private static final String UNAVAILABLE = load();

  private CpuKernels() {}

  /** Whether this platform has the library (Linux x86_64, where the build compiles it). */
  public static boolean builtForThisPlatform() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  /** Empty when the passes are loaded and bound to libtorch's threads; else why they are not. */
  public static Optional<String> unavailable() {
    return Optional.ofNullable(UNAVAILABLE);
  }

  private static String load() {
    Torch.offline();
    Engine.getEngine("PyTorch"); // loads libtorch first: bind() looks for its OpenMP runtime
    if (!builtForThisPlatform()) {
      return "no native CPU passes for " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
    try (InputStream in = CpuKernels.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return RESOURCE + " is not on the classpath (built without a C compiler?)";
      }
      // The loaded library stays mapped after its file is deleted: nothing is left in the temp folder.
      Path file = Files.createTempFile("dqnkernels", ".so");
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

  /** Whether the passes run for tensors on {@code device}: a CPU, with the library loaded. */
  public static boolean runOn(Device device) {
    return Device.Type.CPU.equals(device.getDeviceType()) && UNAVAILABLE == null;
  }

  /** libtorch's intra-op threads: the team the passes split their work over. */
  public static int threads() {
    return JniUtils.getNumThreads();
  }

  /** Finds GOMP_parallel in libtorch's own libgomp; returns null, or why not. */
  private static native String bind();

  /**
   * One Adam step over {@code n} floats in place: {@code p}, {@code m} and {@code v} updated, {@code g} read,
   * multiplied by {@code rescale} and then clamped to [-clip, clip] when {@code clip > 0}.
   */
  public static native void adam(ByteBuffer p, ByteBuffer g, ByteBuffer m, ByteBuffer v, int n, float stepSize,
      float correction2Sqrt, float eps, float rescale, float clip, int threads);

  /**
   * {@code states} uint8 states of {@code channels} frames of {@code pixels} bytes each, stored frame after frame,
   * to float32 x / 255 channels last: out[(s * pixels + p) * channels + k] = in[(s * channels + k) * pixels + p] /
   * 255, each value the engine's cast-then-divide bit for bit.
   */
  public static native void scaleToUnit(ByteBuffer in, ByteBuffer out, int states, int channels, int pixels,
      int threads);

  /**
   * {@link #scaleToUnit} of frames gathered from a replay: frame f is the frame of {@code frameBytes} bytes at slot
   * {@code slots[f]}, stored in {@code segments[slots[f] >> segmentBits]}; each {@code stack} frames in turn make one
   * state, the first half of them go to {@code states}, the rest to {@code next}.
   */
  public static native void gatherToUnit(byte[][] segments, int segmentBits, int[] slots, int frameBytes, int stack,
      ByteBuffer states, ByteBuffer next, int threads);
}
