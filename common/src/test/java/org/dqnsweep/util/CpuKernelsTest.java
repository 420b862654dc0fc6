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
        CpuKernels.scaleToUnit(in, out, n, threads);
        float[] scaled = new float[n];
        out.asFloatBuffer().get(scaled);
        assertArrayEquals(bits(engine), bits(scaled), threads + " thread(s)");
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
