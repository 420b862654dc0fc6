package org.dqnsweep.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The native input scaling against the engine's, bit for bit (AdamTest covers the Adam pass). */
class CpuKernelsTest {

  @Test
  void scalingScreensRoundsAsTheEnginesCastAndDivisionForEveryByteSplitOrNot() {
    assumeTrue(CpuKernels.builtForThisPlatform(), "the native passes are built for Linux x86_64 only");
    assertEquals(Optional.empty(), CpuKernels.unavailable());
    int n = 65536 + 3 * 256 + 7; // above the size that is split over threads, and no multiple of a share's alignment
    ByteBuffer in = Torch.inputBuffer(n);
    for (int i = 0; i < n; i++) {
      in.put(i, (byte) (i * 7 + i / 256)); // every byte value, in an order that shifts from one block to the next
    }
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      float[] engine = m.create(in, new Shape(n), DataType.UINT8).toType(DataType.FLOAT32, false).divi(255f)
          .toFloatArray();
      assertEquals(1f, engine[indexOf(in, (byte) 255)]); // the reference is x / 255 indeed
      for (int threads : new int[] {1, 2}) {
        ByteBuffer out = Torch.inputBuffer(4 * n);
        CpuKernels.scaleToUnit(in, out, 1, 1, n, threads);
        float[] scaled = new float[n];
        out.asFloatBuffer().get(scaled);
        assertArrayEquals(bits(engine), bits(scaled), threads + " thread(s)");
      }
    }
  }

  @Test
  void scaledStatesComeOutChannelsLastWithEachValueAsTheEngineScalesIt() {
    assumeTrue(CpuKernels.unavailable().isEmpty(), "the native passes are built for Linux x86_64 only");
    for (int channels : new int[] {4, 3}) { // the Atari stack (its own vectorized loop) and any other
      int states = 40; // 40 x 4 x 21 x 20 bytes: above the size that is split over threads
      int pixels = 21 * 20;
      int n = states * channels * pixels;
      ByteBuffer in = Torch.inputBuffer(n);
      for (int i = 0; i < n; i++) {
        in.put(i, (byte) (i * 13 + i / 255));
      }
      try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
        // the engine's scaling, then its permutation to [states, 21, 20, channels], read out in that order
        float[] engine = m.create(in, new Shape(states, channels, 21, 20), DataType.UINT8)
            .toType(DataType.FLOAT32, false).divi(255f).transpose(0, 2, 3, 1).toFloatArray();
        for (int threads : new int[] {1, 2}) {
          ByteBuffer out = Torch.inputBuffer(4 * n);
          CpuKernels.scaleToUnit(in, out, states, channels, pixels, threads);
          float[] scaled = new float[n];
          out.asFloatBuffer().get(scaled);
          assertArrayEquals(bits(engine), bits(scaled), channels + " channels, " + threads + " thread(s)");
        }
      }
    }
  }

  private static int indexOf(ByteBuffer b, byte value) {
    for (int i = 0; i < b.capacity(); i++) {
      if (b.get(i) == value) {
        return i;
      }
    }
    throw new AssertionError("no byte " + value);
  }

  private static int[] bits(float[] v) {
    int[] bits = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Float.floatToRawIntBits(v[i]);
    }
    return bits;
  }
}
