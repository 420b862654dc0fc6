package org.dqnsweep.learn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
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
  private final NDArray[] m;
  private final NDArray[] v;
  private final boolean hostLoop;
  private static final int CHUNK = 2048; // elements per slice of the host loop: four slices fit in L1
  private final float[] gs = new float[CHUNK];
  private final float[] ps = new float[CHUNK];
  private final float[] ms = new float[CHUNK];
  private final float[] vs = new float[CHUNK];
  private long t;

  /**
   * @param clip {@code none}, {@code value} (clamp each gradient element) or {@code norm} (rescale to a global L2
   *     norm, as torch.nn.utils.clip_grad_norm_)
   */
  Adam(NDManager manager, List<Parameter> params, double lr, double eps, GradClip clip, double clipValue) {
    this(manager, params, lr, eps, clip, clipValue, Device.Type.CPU.equals(manager.getDevice().getDeviceType()));
  }

  /** @param hostLoop update in a Java loop over the tensors' memory (CPU only) instead of the engine's kernel */
  Adam(NDManager manager, List<Parameter> params, double lr, double eps, GradClip clip, double clipValue,
      boolean hostLoop) {
    this.lr = (float) lr;
    this.eps = (float) eps;
    this.clip = clip;
    this.clipValue = (float) clipValue;
    this.hostLoop = hostLoop;
    this.m = new NDArray[params.size()];
    this.v = new NDArray[params.size()];
    for (int i = 0; i < params.size(); i++) {
      m[i] = manager.zeros(params.get(i).getArray().getShape());
      v[i] = manager.zeros(params.get(i).getArray().getShape());
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
          hostStep(view(p), view(grads[i]), view(m[i]), view(v[i]), rescale, correction1, correction2);
        } else {
          deviceStep(p, grads[i], m[i], v[i], rescale, correction1, correction2);
        }
      }
    }
  }

  /**
   * On the CPU: one pass over memory shared with the tensors, doing what PyTorch's Adam does in seven passes and
   * DJL's kernel in eleven with five temporaries (whose fresh pages, faulted in on every step, cost more than the
   * arithmetic). Slices go through small arrays so that the arithmetic runs vectorized. (Splitting a large tensor
   * with a second thread was slower: PyTorch's idle OpenMP worker still spins on the other core.)
   */
  private void hostStep(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, float rescale,
      double correction1, double correction2) {
    float stepSize = (float) (lr / correction1);
    float correction2Sqrt = (float) Math.sqrt(correction2);
    int n = p.capacity();
    for (int from = 0; from < n; from += CHUNK) {
      int len = Math.min(CHUNK, n - from);
      g.get(from, gs, 0, len);
      p.get(from, ps, 0, len);
      m.get(from, ms, 0, len);
      v.get(from, vs, 0, len);
      if (clip == GradClip.VALUE) {
        for (int i = 0; i < len; i++) {
          gs[i] = Math.max(-clipValue, Math.min(clipValue, gs[i] * rescale));
        }
      } else if (rescale != 1) {
        for (int i = 0; i < len; i++) {
          gs[i] *= rescale;
        }
      }
      for (int i = 0; i < len; i++) {
        float gi = gs[i];
        float mi = ms[i] + (1 - BETA1) * (gi - ms[i]); // torch: exp_avg.lerp_(grad, 1 - beta1)
        float vi = vs[i] * BETA2 + (1 - BETA2) * gi * gi;
        ms[i] = mi;
        vs[i] = vi;
        ps[i] -= stepSize * (mi / ((float) Math.sqrt(vi) / correction2Sqrt + eps));
      }
      p.put(from, ps, 0, len);
      m.put(from, ms, 0, len);
      v.put(from, vs, 0, len);
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
    out.writeInt(m.length);
    for (int i = 0; i < m.length; i++) {
      FloatIo.write(out, m[i].toFloatArray());
      FloatIo.write(out, v[i].toFloatArray());
    }
  }

  void load(DataInputStream in) throws IOException {
    t = in.readLong();
    int n = in.readInt();
    if (n != m.length) {
      throw new IOException("saved optimizer has " + n + " moment pairs, the network needs " + m.length);
    }
    for (int i = 0; i < n; i++) {
      m[i].set(FloatIo.read(in, m[i].size(), "Adam first moment " + i));
      v[i].set(FloatIo.read(in, v[i].size(), "Adam second moment " + i));
    }
  }
}
