package org.dqnsweep.util;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** float32 arrays to and from checkpoint streams (length, then big-endian values). */
public final class FloatIo {
  private FloatIo() {}

  public static void write(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    byte[] bytes = new byte[values.length * 4];
    ByteBuffer.wrap(bytes).asFloatBuffer().put(values);
    out.write(bytes);
  }

  /** Reads an array written by {@link #write}; {@code what} names it in the error if the length differs. */
  public static float[] read(DataInputStream in, long expectedLength, String what) throws IOException {
    int n = in.readInt();
    if (n != expectedLength) {
      throw new IOException(what + ": saved " + n + " values, expected " + expectedLength);
    }
    byte[] bytes = new byte[n * 4];
    in.readFully(bytes);
    float[] values = new float[n];
    ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
    return values;
  }
}
