package org.dqnsweep.util;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.DeviceSetting;

/**
 * DJL's PyTorch engine, set up the one way this project runs it: offline (libtorch comes from the
 * pytorch-native-cpu jar, or from PYTORCH_LIBRARY_PATH on GPU nodes; DJL never downloads), with a chosen number of
 * intra-op threads, on a chosen device.
 */
public final class Torch {
  /**
   * Keeps libtorch's freed tensor memory mapped instead of returning it to the kernel and faulting it back in on
   * every update: no trim below 256 MB free, and 64 MB kept whenever it trims, so that one update's temporaries
   * cannot make the heap's top swing across the threshold (bin/dqn, the tests and conf/spark set it;
   * docs/benchmarks.md, "Native memory").
   */
  public static final String MALLOC_TUNABLES =
      "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=67108864";

  private Torch() {}

  /**
   * A direct buffer of {@code bytes} bytes in native order, aligned like PyTorch's own allocations (64 bytes), for
   * tensor inputs. Tensors made from it share its memory, and CPU kernels take alignment-dependent paths: with
   * whatever address the JVM hands out, float32 inputs gave results that differed in the last bits between
   * otherwise identical runs.
   */
  public static ByteBuffer inputBuffer(int bytes) {
    ByteBuffer raw = ByteBuffer.allocateDirect((bytes + 63) / 64 * 64 + 64); // room for both ends to align
    ByteBuffer slice = raw.alignedSlice(64);
    slice.limit(bytes);
    return slice.slice().order(ByteOrder.nativeOrder());
  }

  /**
   * A CPU tensor's own memory, in native byte order: writes go straight into the tensor, so native passes and the
   * Java Adam pass work on it in place. (DJL hands back a copy for a non-contiguous tensor; parameters, their
   * gradients, which follow the parameter's layout, Adam's moments and the tensors the engine allocates are all
   * contiguous.)
   */
  public static ByteBuffer memory(NDArray a) {
    return JniUtils.getByteBuffer((PtNDArray) a, true).order(ByteOrder.nativeOrder());
  }

  /** A line to print when a CPU run's process lacks {@link #MALLOC_TUNABLES}; empty otherwise. */
  public static Optional<String> mallocHint(Device device) {
    String set = System.getenv("GLIBC_TUNABLES");
    if (!Device.Type.CPU.equals(device.getDeviceType()) || set != null && set.contains(MALLOC_TUNABLES)) {
      return Optional.empty();
    }
    return Optional.of("note: without GLIBC_TUNABLES=" + MALLOC_TUNABLES + " in this JVM's environment, glibc "
        + "faults freed tensor memory back in on every update and CPU train steps are slower (bin/dqn sets it; "
        + "docs/benchmarks.md, \"Native memory\")");
  }

  /** Call before anything touches DJL. */
  public static void offline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  /**
   * Prepares the calling thread for PyTorch (intra-op threads; grad mode off, since a new thread starts with it on
   * and the learner records gradients only inside its update) and resolves the device.
   *
   * @param setting {@code auto} or {@code cpu} (CPU; the Spark sweep turns {@code auto} into the task's GPU), or a
   *     GPU by index
   * @param threads intra-op threads; 0 means every core
   */
  public static Device select(DeviceSetting setting, int threads) {
    offline();
    Engine engine = Engine.getEngine("PyTorch"); // loads libtorch before any JNI call
    JniUtils.setNumThreads(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
    JniUtils.setGradMode(false);
    if (setting.kind() != DeviceSetting.Kind.GPU) {
      return Device.cpu();
    }
    int index = setting.gpu();
    int gpus = engine.getGpuCount();
    if (index >= gpus) {
      throw new ConfigException("trainer.device", setting + " asked for, but PyTorch sees " + gpus + " CUDA GPU(s) "
          + "(this libtorch: " + engine.getVersion() + "); use cpu, or point PYTORCH_LIBRARY_PATH "
          + "at a CUDA libtorch");
    }
    return Device.gpu(index);
  }
}
