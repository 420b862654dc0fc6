package org.dqnsweep.env;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a Q-network needs to know of an env: the observation's shape and encoding and the number of actions. Model
 * files and checkpoints carry it, so a policy loads without building its env (no ROM needed to score or play back).
 */
public record EnvSpec(int[] observationShape, ObservationType observationType, int actionCount) {
  public EnvSpec {
    observationShape = observationShape.clone();
  }

  @Override
  public int[] observationShape() {
    return observationShape.clone();
  }

  public static EnvSpec of(Env env) {
    return new EnvSpec(env.observationShape(), env.observationType(), env.actionCount());
  }

  public void write(DataOutputStream out) throws IOException {
    out.writeInt(observationShape.length);
    for (int d : observationShape) {
      out.writeInt(d);
    }
    out.writeUTF(observationType.name());
    out.writeInt(actionCount);
  }

  public static EnvSpec read(DataInputStream in) throws IOException {
    int rank = in.readInt();
    if (rank < 1 || rank > 8) {
      throw new IOException("not an observation shape (rank " + rank + ")");
    }
    int[] shape = new int[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = in.readInt();
    }
    ObservationType type;
    try {
      type = ObservationType.valueOf(in.readUTF());
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown observation type in file", e);
    }
    return new EnvSpec(shape, type, in.readInt());
  }
}
