package org.dqnsweep.learn;

import ai.djl.ndarray.NDArray;
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
 * Adam with PyTorch's semantics (bias-corrected moments, eps added after the square root), written out so that its
 * moments can be checkpointed and gradients clipped first. DJL's own optimizer keeps its state private.
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

  /** Applies one update from the parameters' gradients, in place, and zeroes the gradients. */
  void step(List<Parameter> params) {
    t++;
    float correction1 = 1f - (float) Math.pow(BETA1, t);
    float correction2 = 1f - (float) Math.pow(BETA2, t);
    // getGradient() wrappers and all temporaries belong to this scope and are freed at its end
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray[] grads = new NDArray[params.size()];
      for (int i = 0; i < grads.length; i++) {
        grads[i] = params.get(i).getArray().getGradient();
      }
      if ("norm".equals(clip)) {
        float total = 0;
        for (NDArray g : grads) {
          total += g.square().sum().getFloat();
        }
        float norm = (float) Math.sqrt(total);
        float scale = clipValue / (norm + 1e-6f);
        if (scale < 1) {
          for (int i = 0; i < grads.length; i++) {
            grads[i] = grads[i].mul(scale);
          }
        }
      } else if ("value".equals(clip)) {
        for (int i = 0; i < grads.length; i++) {
          grads[i] = grads[i].clip(-clipValue, clipValue);
        }
      }
      for (int i = 0; i < grads.length; i++) {
        NDArray p = params.get(i).getArray();
        NDArray g = grads[i];
        m[i].muli(BETA1).addi(g.mul(1f - BETA1));
        v[i].muli(BETA2).addi(g.square().muli(1f - BETA2));
        NDArray denominator = v[i].div(correction2).sqrt().addi(eps);
        p.subi(m[i].mul(lr / correction1).divi(denominator));
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
