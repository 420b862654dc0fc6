package org.dqnsweep.learn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.dqnsweep.config.LearnerConfig.GradClip;
import org.dqnsweep.util.CpuKernels;
import org.dqnsweep.util.FloatIo;
import org.dqnsweep.util.Torch;

/**
 * Adam with PyTorch's semantics (bias-corrected moments, eps added after the square root), driven here so that its
 * moments can be checkpointed and gradients clipped first: DJL's own optimizer keeps its state private.
 */
final class Adam {
  /** Where the update runs. */
  enum Pass {
    /** The engine's fused kernel (GPUs). */
    ENGINE,
    /** CpuKernels.adam: native code on the tensors in place, on libtorch's OpenMP threads (CPU, Linux x86_64). */
    NATIVE,
    /** A Java loop over copies of the tensors (CPU, wherever the native pass is not built). */
    JAVA;

    /** The pass a learner on {@code device} uses. */
    static Pass forDevice(Device device) {
      if (CpuKernels.runOn(device)) {
        return NATIVE;
      }
      return Device.Type.CPU.equals(device.getDeviceType()) ? JAVA : ENGINE;
    }

    /** Whether this pass keeps the moments on the Java heap (the others keep them in tensors). */
    boolean onHeap() {
      return this == JAVA;
    }
  }

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private final float lr;
  private final float eps;
  private final GradClip clip;
  private final float clipValue;
  private final Pass pass;
  // The Java pass keeps the moments on the Java heap, where its loop runs vectorized (see javaStep)...
  private final float[][] hostM;
  private final float[][] hostV;
  private final float[] ps; // ... and copies each tensor's weights and gradient through these.
  private final float[] gs;
  // The engine and native passes keep them in tensors of their own, next to the weights.
  private final NDArray[] tensorM;
  private final NDArray[] tensorV;
  private long t;

  /**
   * @param clip {@code none}, {@code value} (clamp each gradient element) or {@code norm} (rescale to a global L2
   *     norm, as torch.nn.utils.clip_grad_norm_)
   */
  Adam(NDManager manager, List<Parameter> params, double lr, double eps, GradClip clip, double clipValue) {
    this(manager, params, lr, eps, clip, clipValue, Pass.forDevice(manager.getDevice()));
  }

  Adam(NDManager manager, List<Parameter> params, double lr, double eps, GradClip clip, double clipValue,
      Pass pass) {
    if (pass == Pass.NATIVE && CpuKernels.unavailable().isPresent()) {
      throw new IllegalStateException("native Adam pass unavailable: " + CpuKernels.unavailable().get());
    }
    this.lr = (float) lr;
    this.eps = (float) eps;
    this.clip = clip;
    this.clipValue = (float) clipValue;
    this.pass = pass;
    boolean onHeap = pass.onHeap();
    int n = params.size();
    int largest = 0;
    for (Parameter p : params) {
      largest = Math.max(largest, Math.toIntExact(p.getArray().size()));
    }
    hostM = onHeap ? new float[n][] : null;
    hostV = onHeap ? new float[n][] : null;
    ps = onHeap ? new float[largest] : null;
    gs = onHeap ? new float[largest] : null;
    tensorM = onHeap ? null : new NDArray[n];
    tensorV = onHeap ? null : new NDArray[n];
    for (int i = 0; i < n; i++) {
      Shape shape = params.get(i).getArray().getShape();
      if (onHeap) {
        hostM[i] = new float[Math.toIntExact(shape.size())];
        hostV[i] = new float[Math.toIntExact(shape.size())];
      } else {
        tensorM[i] = manager.zeros(shape);
        tensorV[i] = manager.zeros(shape);
      }
    }
  }

  /**
   * Applies one update to the parameters, in place, from their gradients {@code grads} (same order), with
   * PyTorch's semantics: p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps).
   */
  void step(List<Parameter> params, NDArray[] grads) {
    t++;
    double correction1 = 1 - Math.pow(BETA1, t);
    double correction2 = 1 - Math.pow(BETA2, t);
    float stepSize = (float) (lr / correction1);
    float correction2Sqrt = (float) Math.sqrt(correction2);
    // temporaries (clipping on a GPU) belong to this scope and are freed at its end
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float rescale = 1;
      if (clip == GradClip.NORM) {
        double total = 0;
        for (NDArray g : grads) {
          total += pass == Pass.ENGINE ? g.square().sum().getFloat() : sumOfSquares(Torch.memory(g));
        }
        rescale = (float) Math.min(1, clipValue / (Math.sqrt(total) + 1e-6));
      }
      int threads = CpuKernels.threads();
      for (int i = 0; i < grads.length; i++) {
        NDArray p = params.get(i).getArray();
        switch (pass) {
          case ENGINE -> engineStep(p, grads[i], tensorM[i], tensorV[i], rescale, correction1, correction2);
          case NATIVE -> CpuKernels.adam(Torch.memory(p), Torch.memory(grads[i]), Torch.memory(tensorM[i]),
              Torch.memory(tensorV[i]), Math.toIntExact(p.size()), stepSize, correction2Sqrt, eps, rescale,
              clip == GradClip.VALUE ? clipValue : 0, threads);
          case JAVA -> javaStep(Torch.memory(p), Torch.memory(grads[i]), hostM[i], hostV[i], rescale, stepSize,
              correction2Sqrt);
        }
      }
    }
  }

  /**
   * The Java pass: what PyTorch's Adam does in seven ops and DJL's kernel in eleven with five temporaries, in one
   * loop. The JIT vectorizes a loop over Java arrays indexed alike, not one over native memory, so the weights and
   * gradient are copied in whole and the weights copied back (docs/benchmarks.md, "The update, op by op").
   */
  private void javaStep(ByteBuffer p, ByteBuffer g, float[] m, float[] v, float rescale, float stepSize,
      float correction2Sqrt) {
    int n = m.length;
    p.asFloatBuffer().get(0, ps, 0, n);
    g.asFloatBuffer().get(0, gs, 0, n);
    if (clip == GradClip.VALUE) {
      for (int i = 0; i < n; i++) {
        gs[i] = Math.max(-clipValue, Math.min(clipValue, gs[i] * rescale));
      }
    } else if (rescale != 1) {
      for (int i = 0; i < n; i++) {
        gs[i] *= rescale;
      }
    }
    update(ps, gs, m, v, n, stepSize, correction2Sqrt, eps);
    p.asFloatBuffer().put(0, ps, 0, n);
  }

  /**
   * The arithmetic of one Adam step over the first {@code n} elements, in place. Its float operations and their
   * order are part of what a trial computes (a seed repeats its curve only while they stay the same), so AdamTest
   * pins them bit for bit, and the native pass (src/main/c/adam.c) repeats them.
   */
  private static void update(float[] p, float[] g, float[] m, float[] v, int n, float stepSize, float correction2Sqrt,
      float eps) {
    for (int i = 0; i < n; i++) {
      float gi = g[i];
      float mi = m[i] + (1 - BETA1) * (gi - m[i]); // torch: exp_avg.lerp_(grad, 1 - beta1)
      float vi = v[i] * BETA2 + (1 - BETA2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] -= stepSize * (mi / ((float) Math.sqrt(vi) / correction2Sqrt + eps));
    }
  }

  /**
   * On a GPU: the engine's fused kernel (its clip only clamps the maximum, so value clipping happens first), with
   * PyTorch's eps placement: p -= (lr sqrt(bc2) / bc1) * m / (sqrt(v) + eps sqrt(bc2)).
   */
  private void engineStep(NDArray p, NDArray grad, NDArray m, NDArray v, float rescale, double correction1,
      double correction2) {
    float stepSize = (float) (lr * Math.sqrt(correction2) / correction1);
    float epsHat = (float) (eps * Math.sqrt(correction2));
    NDArray g = clip == GradClip.VALUE ? grad.clip(-clipValue, clipValue) : grad;
    p.getNDArrayInternal().adamUpdate(new NDList(p, g, m, v), new NDList(p), stepSize, stepSize, 0f, rescale, -1f,
        BETA1, BETA2, epsHat, false, false);
  }

  private static double sumOfSquares(ByteBuffer bytes) {
    FloatBuffer g = bytes.asFloatBuffer();
    double sum = 0;
    for (int i = 0; i < g.capacity(); i++) {
      sum += (double) g.get(i) * g.get(i);
    }
    return sum;
  }

  long steps() {
    return t;
  }

  void save(DataOutputStream out) throws IOException {
    out.writeLong(t);
    int n = pass.onHeap() ? hostM.length : tensorM.length;
    out.writeInt(n);
    for (int i = 0; i < n; i++) {
      FloatIo.write(out, pass.onHeap() ? hostM[i] : tensorM[i].toFloatArray());
      FloatIo.write(out, pass.onHeap() ? hostV[i] : tensorV[i].toFloatArray());
    }
  }

  void load(DataInputStream in) throws IOException {
    t = in.readLong();
    int n = in.readInt();
    int want = pass.onHeap() ? hostM.length : tensorM.length;
    if (n != want) {
      throw new IOException("saved optimizer has " + n + " moment pairs, the network needs " + want);
    }
    for (int i = 0; i < n; i++) {
      if (pass.onHeap()) {
        hostM[i] = FloatIo.read(in, hostM[i].length, "Adam first moment " + i);
        hostV[i] = FloatIo.read(in, hostV[i].length, "Adam second moment " + i);
      } else {
        tensorM[i].set(FloatIo.read(in, tensorM[i].size(), "Adam first moment " + i));
        tensorV[i].set(FloatIo.read(in, tensorV[i].size(), "Adam second moment " + i));
      }
    }
  }
}
