package org.dqnsweep.learn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.dqnsweep.config.LearnerConfig.GradClip;
import org.dqnsweep.util.FloatIo;

/**
 * Adam with PyTorch's semantics (bias-corrected moments, eps added after the square root), driven here so that its
 * moments can be checkpointed and gradients clipped first: DJL's own optimizer keeps its state private.
 */
final class Adam {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private final float lr;
  private final float eps;
  private final GradClip clip;
  private final float clipValue;
  private final boolean hostLoop;
  // On the CPU the moments live on the Java heap, where the update loop runs vectorized (see hostStep)...
  private final float[][] hostM;
  private final float[][] hostV;
  private final float[] ps; // ... and each tensor's weights and gradient are copied through these
  private final float[] gs;
  // On a GPU they stay in device memory for the engine's kernel.
  private final NDArray[] deviceM;
  private final NDArray[] deviceV;
  private long t;

  /**
   * @param clip {@code none}, {@code value} (clamp each gradient element) or {@code norm} (rescale to a global L2
   *     norm, as torch.nn.utils.clip_grad_norm_)
   */
  Adam(NDManager manager, List<Parameter> params, double lr, double eps, GradClip clip, double clipValue) {
    this(manager, params, lr, eps, clip, clipValue, Device.Type.CPU.equals(manager.getDevice().getDeviceType()));
  }

  /** @param hostLoop update in a Java loop over copies of the tensors (CPU only) instead of the engine's kernel */
  Adam(NDManager manager, List<Parameter> params, double lr, double eps, GradClip clip, double clipValue,
      boolean hostLoop) {
    this.lr = (float) lr;
    this.eps = (float) eps;
    this.clip = clip;
    this.clipValue = (float) clipValue;
    this.hostLoop = hostLoop;
    int n = params.size();
    int largest = 0;
    for (Parameter p : params) {
      largest = Math.max(largest, Math.toIntExact(p.getArray().size()));
    }
    hostM = hostLoop ? new float[n][] : null;
    hostV = hostLoop ? new float[n][] : null;
    ps = hostLoop ? new float[largest] : null;
    gs = hostLoop ? new float[largest] : null;
    deviceM = hostLoop ? null : new NDArray[n];
    deviceV = hostLoop ? null : new NDArray[n];
    for (int i = 0; i < n; i++) {
      Shape shape = params.get(i).getArray().getShape();
      if (hostLoop) {
        hostM[i] = new float[Math.toIntExact(shape.size())];
        hostV[i] = new float[Math.toIntExact(shape.size())];
      } else {
        deviceM[i] = manager.zeros(shape);
        deviceV[i] = manager.zeros(shape);
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
    // temporaries (clipping on a GPU) belong to this scope and are freed at its end
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float rescale = 1;
      if (clip == GradClip.NORM) {
        double total = 0;
        for (NDArray g : grads) {
          total += hostLoop ? sumOfSquares(view(g)) : g.square().sum().getFloat();
        }
        rescale = (float) Math.min(1, clipValue / (Math.sqrt(total) + 1e-6));
      }
      for (int i = 0; i < grads.length; i++) {
        NDArray p = params.get(i).getArray();
        if (hostLoop) {
          hostStep(view(p), view(grads[i]), hostM[i], hostV[i], rescale, correction1, correction2);
        } else {
          deviceStep(p, grads[i], deviceM[i], deviceV[i], rescale, correction1, correction2);
        }
      }
    }
  }

  /**
   * On the CPU: one pass doing what PyTorch's Adam does in seven and DJL's kernel in eleven with five temporaries
   * (whose fresh pages, faulted in on every step, cost more than the arithmetic). The JIT vectorizes a loop over
   * Java arrays indexed alike, not one over native memory, so the weights and gradient are copied in whole and the
   * weights copied back, which costs far less than the loop saves (docs/benchmarks.md, "The update, op by op").
   * A second thread would not help: PyTorch's idle OpenMP worker spins on the other core after each parallel region.
   */
  private void hostStep(FloatBuffer p, FloatBuffer g, float[] m, float[] v, float rescale, double correction1,
      double correction2) {
    int n = m.length;
    p.get(0, ps, 0, n);
    g.get(0, gs, 0, n);
    if (clip == GradClip.VALUE) {
      for (int i = 0; i < n; i++) {
        gs[i] = Math.max(-clipValue, Math.min(clipValue, gs[i] * rescale));
      }
    } else if (rescale != 1) {
      for (int i = 0; i < n; i++) {
        gs[i] *= rescale;
      }
    }
    update(ps, gs, m, v, n, (float) (lr / correction1), (float) Math.sqrt(correction2), eps);
    p.put(0, ps, 0, n);
  }

  /**
   * The arithmetic of one Adam step over the first {@code n} elements, in place. Its float operations and their
   * order are part of what a trial computes (a seed repeats its curve only while they stay the same), so AdamTest
   * pins them bit for bit.
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
  private void deviceStep(NDArray p, NDArray grad, NDArray m, NDArray v, float rescale, double correction1,
      double correction2) {
    float stepSize = (float) (lr * Math.sqrt(correction2) / correction1);
    float epsHat = (float) (eps * Math.sqrt(correction2));
    NDArray g = clip == GradClip.VALUE ? grad.clip(-clipValue, clipValue) : grad;
    p.getNDArrayInternal().adamUpdate(new NDList(p, g, m, v), new NDList(p), stepSize, stepSize, 0f, rescale, -1f,
        BETA1, BETA2, epsHat, false, false);
  }

  /**
   * A float view of a CPU tensor's own memory: writes go straight into the tensor. (DJL would hand back a copy
   * for a non-contiguous tensor; parameters, their gradients, which follow the parameter's layout, and the
   * moments are all contiguous.)
   */
  private static FloatBuffer view(NDArray a) {
    return JniUtils.getByteBuffer((PtNDArray) a, true).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static double sumOfSquares(FloatBuffer g) {
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
    int n = hostLoop ? hostM.length : deviceM.length;
    out.writeInt(n);
    for (int i = 0; i < n; i++) {
      FloatIo.write(out, hostLoop ? hostM[i] : deviceM[i].toFloatArray());
      FloatIo.write(out, hostLoop ? hostV[i] : deviceV[i].toFloatArray());
    }
  }

  void load(DataInputStream in) throws IOException {
    t = in.readLong();
    int n = in.readInt();
    int want = hostLoop ? hostM.length : deviceM.length;
    if (n != want) {
      throw new IOException("saved optimizer has " + n + " moment pairs, the network needs " + want);
    }
    for (int i = 0; i < n; i++) {
      if (hostLoop) {
        hostM[i] = FloatIo.read(in, hostM[i].length, "Adam first moment " + i);
        hostV[i] = FloatIo.read(in, hostV[i].length, "Adam second moment " + i);
      } else {
        deviceM[i].set(FloatIo.read(in, deviceM[i].size(), "Adam first moment " + i));
        deviceV[i].set(FloatIo.read(in, deviceV[i].size(), "Adam second moment " + i));
      }
    }
  }
}
