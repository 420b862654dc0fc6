package org.dqnsweep.learn;

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
import java.util.List;
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
  private final String clip;
  private final float clipValue;
  private final NDArray[] m;
  private final NDArray[] v;
  private long t;

  /**
   * @param clip {@code none}, {@code value} (clamp each gradient element) or {@code norm} (rescale to a global L2
   *     norm, as torch.nn.utils.clip_grad_norm_)
   */
  Adam(NDManager manager, List<Parameter> params, double lr, double eps, String clip, double clipValue) {
    this.lr = (float) lr;
    this.eps = (float) eps;
    this.clip = clip;
    this.clipValue = (float) clipValue;
    this.m = new NDArray[params.size()];
    this.v = new NDArray[params.size()];
    for (int i = 0; i < params.size(); i++) {
      m[i] = manager.zeros(params.get(i).getArray().getShape());
      v[i] = manager.zeros(params.get(i).getArray().getShape());
    }
  }

  /**
   * Applies one update from the parameters' gradients, in place, and zeroes the gradients. Uses the engine's fused
   * Adam kernel (a few in-place passes instead of a dozen temporaries) with PyTorch's semantics:
   * p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps) is p -= (lr sqrt(bc2) / bc1) * m / (sqrt(v) + eps sqrt(bc2)).
   */
  void step(List<Parameter> params) {
    t++;
    double correction1 = 1 - Math.pow(BETA1, t);
    double correction2 = 1 - Math.pow(BETA2, t);
    float stepSize = (float) (lr * Math.sqrt(correction2) / correction1);
    float epsHat = (float) (eps * Math.sqrt(correction2));
    // getGradient() wrappers and all temporaries belong to this scope and are freed at its end
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray[] grads = new NDArray[params.size()];
      for (int i = 0; i < grads.length; i++) {
        grads[i] = params.get(i).getArray().getGradient();
      }
      float rescale = 1;
      if ("norm".equals(clip)) {
        double total = 0;
        for (NDArray g : grads) {
          total += g.square().sum().getFloat();
        }
        rescale = (float) Math.min(1, clipValue / (Math.sqrt(total) + 1e-6));
      }
      for (int i = 0; i < grads.length; i++) {
        NDArray p = params.get(i).getArray();
        // the kernel's own clip only clamps the maximum, so value clipping happens here, on both sides
        NDArray g = "value".equals(clip) ? grads[i].clip(-clipValue, clipValue) : grads[i];
        p.getNDArrayInternal().adamUpdate(new NDList(p, g, m[i], v[i]), new NDList(p), stepSize, stepSize,
            0f, rescale, -1f, BETA1, BETA2, epsHat, false, false);
        JniUtils.zeroGrad((PtNDArray) p); // PyTorch accumulates gradients across backward calls
      }
    }
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
