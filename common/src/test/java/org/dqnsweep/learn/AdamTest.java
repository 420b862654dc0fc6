package org.dqnsweep.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.dqnsweep.util.CpuKernels;
import org.junit.jupiter.api.Test;

/**
 * Adam's three passes (native and Java on the CPU, the engine kernel used on GPUs) against PyTorch's update written
 * out by hand in doubles, and the CPU passes against the trial's float arithmetic bit for bit.
 */
class AdamTest {

  /** The passes this machine can run: all three where the native one is built. */
  private static List<Adam.Pass> passes() {
    return CpuKernels.unavailable().isEmpty() ? List.of(Adam.Pass.values())
        : List.of(Adam.Pass.JAVA, Adam.Pass.ENGINE);
  }

  @Test
  void cpuLearnersUseTheNativePassWhereItIsBuilt() {
    assumeTrue(CpuKernels.builtForThisPlatform(), "the native pass is built for Linux x86_64 only");
    assertEquals(Optional.empty(), CpuKernels.unavailable());
    assertEquals(Adam.Pass.NATIVE, Adam.Pass.forDevice(Device.cpu()));
  }

  /** Minimizes sum(c * p^2) for a few steps and returns the parameter values. */
  private static float[] run(Adam.Pass pass, String clip, double clipValue, float[] start, float c,
      int steps) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Parameter p = Parameter.builder().setName("p").setType(Parameter.Type.WEIGHT)
          .optInitializer(Initializer.ZEROS).build();
      p.setShape(new Shape(start.length));
      p.initialize(m, DataType.FLOAT32);
      p.getArray().set(start);
      Adam adam = new Adam(m, List.of(p), 0.1, 1e-3,
          org.dqnsweep.config.LearnerConfig.GradClip.valueOf(clip.toUpperCase(java.util.Locale.ROOT)), clipValue,
          pass);
      for (int s = 0; s < steps; s++) {
        try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
          NDArray loss = p.getArray().square().mul(c).sum();
          g.backward(loss);
        }
        adam.step(List.of(p), new NDArray[] {p.getArray().getGradient()});
        JniUtils.zeroGrad((PtNDArray) p.getArray()); // Adam takes gradients as given; the learner's are fresh
      }
      return p.getArray().toFloatArray();
    }
  }

  /** torch.optim.Adam, by hand: grad = 2 c p, optionally clipped. */
  private static double[] expected(String clip, double clipValue, float[] start, float c, int steps) {
    double[] p = new double[start.length];
    double[] m = new double[start.length];
    double[] v = new double[start.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = start[i];
    }
    for (int t = 1; t <= steps; t++) {
      double[] g = new double[p.length];
      double norm = 0;
      for (int i = 0; i < p.length; i++) {
        g[i] = 2 * c * p[i];
        norm += g[i] * g[i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < p.length; i++) {
        if (clip.equals("value")) {
          g[i] = Math.max(-clipValue, Math.min(clipValue, g[i]));
        } else if (clip.equals("norm")) {
          g[i] *= Math.min(1, clipValue / (norm + 1e-6));
        }
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        double mHat = m[i] / (1 - Math.pow(0.9, t));
        double vHat = v[i] / (1 - Math.pow(0.999, t));
        p[i] -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-3);
      }
    }
    return p;
  }

  @Test
  void matchesPyTorchAdamWithAndWithoutClipping() {
    float[] start = {1.5f, -0.02f, -3f, 0.0005f}; // gradients 6, -0.08, -12, 0.002: clipping bites both ways
    for (Adam.Pass pass : passes()) {
      for (String clip : new String[] {"none", "value", "norm"}) {
        float[] got = run(pass, clip, 0.5, start, 2f, 7);
        double[] want = expected(clip, 0.5, start, 2f, 7);
        for (int i = 0; i < start.length; i++) {
          assertEquals(want[i], got[i], 1e-5,
              pass + " pass, " + clip + " clipping, element " + i);
        }
      }
    }
  }

  /**
   * The CPU passes' exact float arithmetic, one element at a time: a trial's seed repeats its curve only while
   * these bits stay the same. Tensors of odd sizes, a small one after a large one, so that the scratch arrays the
   * Java pass copies through cannot mix them up; the large one is past the size from which the native pass splits
   * a tensor over two threads.
   */
  @Test
  void cpuPassesKeepTheTrialsFloatArithmeticBitForBit() {
    JniUtils.setNumThreads(2);
    int[] sizes = {37, 100_003, 5};
    for (Adam.Pass pass : passes()) {
      if (pass != Adam.Pass.ENGINE) {
        for (String clip : new String[] {"none", "value"}) {
          checkBitForBit(pass, clip, sizes);
        }
      }
    }
  }

  private static void checkBitForBit(Adam.Pass pass, String clip, int[] sizes) {
    Random random = new Random(7);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      List<Parameter> params = new ArrayList<>();
      float[][] p = new float[sizes.length][];
      for (int k = 0; k < sizes.length; k++) {
        p[k] = new float[sizes[k]];
        for (int i = 0; i < sizes[k]; i++) {
          p[k][i] = (float) random.nextGaussian();
        }
        Parameter param = Parameter.builder().setName("p" + k).setType(Parameter.Type.WEIGHT)
            .optInitializer(Initializer.ZEROS).build();
        param.setShape(new Shape(sizes[k]));
        param.initialize(m, DataType.FLOAT32);
        param.getArray().set(p[k]);
        params.add(param);
      }
      float lr = 3e-4f;
      float eps = 1e-8f;
      float limit = 0.02f;
      Adam adam = new Adam(m, params, lr, eps,
          org.dqnsweep.config.LearnerConfig.GradClip.valueOf(clip.toUpperCase(java.util.Locale.ROOT)), limit,
          pass);
      float[][] mom1 = new float[sizes.length][];
      float[][] mom2 = new float[sizes.length][];
      for (int k = 0; k < sizes.length; k++) {
        mom1[k] = new float[sizes[k]];
        mom2[k] = new float[sizes[k]];
      }
      for (int t = 1; t <= 6; t++) {
        NDArray[] grads = new NDArray[sizes.length];
        float[][] g = new float[sizes.length][];
        for (int k = 0; k < sizes.length; k++) {
          g[k] = new float[sizes[k]];
          for (int i = 0; i < sizes[k]; i++) {
            g[k][i] = (float) (random.nextGaussian() * 0.01);
          }
          grads[k] = m.create(g[k]);
        }
        adam.step(params, grads);
        float stepSize = (float) (lr / (1 - Math.pow(0.9f, t)));
        float correction2Sqrt = (float) Math.sqrt(1 - Math.pow(0.999f, t));
        for (int k = 0; k < sizes.length; k++) {
          for (int i = 0; i < sizes[k]; i++) {
            float gi = clip.equals("value") ? Math.max(-limit, Math.min(limit, g[k][i])) : g[k][i];
            mom1[k][i] = mom1[k][i] + (1 - 0.9f) * (gi - mom1[k][i]);
            mom2[k][i] = mom2[k][i] * 0.999f + (1 - 0.999f) * gi * gi;
            p[k][i] -= stepSize * (mom1[k][i] / ((float) Math.sqrt(mom2[k][i]) / correction2Sqrt + eps));
          }
          assertArrayEquals(p[k], params.get(k).getArray().toFloatArray(),
              pass + " pass, " + clip + " clipping, tensor " + k + ", step " + t);
        }
      }
    }
  }
}
