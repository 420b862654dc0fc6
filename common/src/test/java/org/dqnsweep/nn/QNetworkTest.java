package org.dqnsweep.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.config.NetworkConfig;
import org.dqnsweep.config.NetworkConfig.Type;
import org.dqnsweep.env.ObservationType;
import org.dqnsweep.util.Rng;
import org.dqnsweep.util.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QNetworkTest {
  private static final int ACTIONS = 6;

  @BeforeAll
  static void torch() {
    Torch.select(DeviceSetting.CPU, 1);
  }

  /** Weights plus biases of a conv layer (filters x in x k x k) or a dense layer (out x in). */
  private static long conv(int filters, int in, int kernel) {
    return (long) filters * in * kernel * kernel + filters;
  }

  private static long dense(int out, int in) {
    return (long) out * in + out;
  }

  /** Mnih et al. 2013: 84x84 -> 16x20x20 -> 32x9x9 = 2592 -> 256 -> actions. */
  private static long nipsParams(int stack, boolean dueling) {
    long body = conv(16, stack, 8) + conv(32, 16, 4);
    long head = dueling ? dense(256, 2592) + dense(1, 256) + dense(256, 2592) + dense(ACTIONS, 256)
        : dense(256, 2592) + dense(ACTIONS, 256);
    return body + head;
  }

  /** Mnih et al. 2015: 84x84 -> 32x20x20 -> 64x9x9 -> 64x7x7 = 3136 -> 512 -> actions. */
  private static long natureParams(int stack) {
    return conv(32, stack, 8) + conv(64, 32, 4) + conv(64, 64, 3) + dense(512, 3136) + dense(ACTIONS, 512);
  }

  @Test
  void nipsCnnHasThePapersLayersForOneAndFourFrames() {
    for (int stack : new int[] {1, 4}) {
      assertEquals(nipsParams(stack, false), paramsAndCheckOutput(Type.NIPS_CNN, false, stack), "stack " + stack);
      assertEquals(nipsParams(stack, true), paramsAndCheckOutput(Type.NIPS_CNN, true, stack), "dueling " + stack);
    }
    assertEquals(677_686, nipsParams(4, false)); // the formula itself, against the count by hand
  }

  @Test
  void natureCnnHasThePapersLayersForOneAndFourFrames() {
    for (int stack : new int[] {1, 4}) {
      assertEquals(natureParams(stack), paramsAndCheckOutput(Type.NATURE_CNN, false, stack), "stack " + stack);
    }
  }

  /** Builds the network, checks that a batch of 3 uint8 screens gives [3, actions] finite Q-values. */
  private static long paramsAndCheckOutput(Type type, boolean dueling, int stack) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      QNetwork net = new QNetwork(new NetworkConfig(type, dueling, List.of(64)), new int[] {stack, 84, 84},
          ObservationType.UINT8, ACTIONS, m, new Rng(1));
      byte[] screens = new byte[3 * stack * 84 * 84];
      for (int i = 0; i < screens.length; i++) {
        screens[i] = (byte) (i * 31);
      }
      NDArray q = net.forward(m.create(java.nio.ByteBuffer.wrap(screens), new Shape(3, stack, 84, 84),
          DataType.UINT8), false);
      assertArrayEquals(new long[] {3, ACTIONS}, q.getShape().getShape());
      for (float v : q.toFloatArray()) {
        assertEquals(true, Float.isFinite(v));
      }
      long n = 0;
      for (Parameter p : net.parameters()) {
        n += p.getArray().size();
      }
      return n;
    }
  }

  @Test
  void screensEnterACpuNetworkChannelsLastAndGiveTheQValuesOfTheirOwnLayout() {
    Rng rng = new Rng(3);
    byte[] screens = new byte[5 * 4 * 84 * 84];
    for (int i = 0; i < screens.length; i++) {
      screens[i] = (byte) rng.nextInt(256);
    }
    for (Type type : new Type[] {Type.NATURE_CNN, Type.NIPS_CNN}) {
      try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
        QNetwork net = new QNetwork(new NetworkConfig(type, false, List.of(64)), new int[] {4, 84, 84},
            ObservationType.UINT8, ACTIONS, m, new Rng(1));
        NDArray bytes = m.create(java.nio.ByteBuffer.wrap(screens), new Shape(5, 4, 84, 84), DataType.UINT8);
        NDArray channelsFirst = bytes.toType(DataType.FLOAT32, false).divi(255f); // a float batch passes as it is
        NDArray scaled = QNetwork.scaleToUnit(bytes);
        assertEquals(new Shape(5, 4, 84, 84), scaled.getShape());
        assertArrayEquals(channelsFirst.toFloatArray(), scaled.toFloatArray(), "the same screens, element by element");
        assertArrayEquals(new long[] {5, 84, 84, 4}, QNetwork.channelsLast(bytes.getShape()).getShape());
        float[] q = net.forward(bytes, false).toFloatArray();
        float[] want = net.forward(channelsFirst, false).toFloatArray();
        for (int i = 0; i < q.length; i++) { // the layouts sum in other orders: equal up to rounding
          assertEquals(want[i], q[i], 1e-5 * Math.max(1, Math.abs(want[i])), type + " Q-value " + i);
        }
      }
    }
  }
}
