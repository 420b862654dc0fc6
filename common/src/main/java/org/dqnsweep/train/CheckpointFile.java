package org.dqnsweep.train;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.EnvSpec;
import org.dqnsweep.env.Envs;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.replay.FrameReplayBuffer;

/**
 * What one checkpoint holds, in sections: format, the config it must be resumed with, the {@link EnvSpec}, the
 * loop's counters and generators (length-prefixed, so policy readers skip them), the learner (online and target
 * networks, Adam, update count), the env's exact state, and the replay (metadata here, frames as segment files
 * beside it, see {@link Checkpoints}) unless {@code replay.in_checkpoint} is off. Where checkpoints live and how
 * they are pruned is {@link Checkpoints}' business.
 *
 * <p>Format 1 (no EnvSpec, replay format 2) is still read for its policy; it cannot be resumed.
 */
final class CheckpointFile {
  static final int FORMAT = 2;

  private CheckpointFile() {}

  /** A section the caller writes and reads itself. */
  interface Section {
    void write(DataOutputStream out) throws IOException;
  }

  interface SectionReader {
    void read(DataInputStream in) throws IOException;
  }

  /** Refuses a checkpoint whose config (the resume key it was written with) cannot be resumed with this one. */
  interface KeyCheck {
    void check(String savedKey) throws IOException;
  }

  static void write(DataOutputStream out, String resumeKey, EnvSpec spec, Section counters, DqnLearner learner,
      Env env, FrameReplayBuffer replay, FrameReplayBuffer.SegmentWriter segments) throws IOException {
    out.writeInt(FORMAT);
    out.writeUTF(resumeKey);
    spec.write(out);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    counters.write(new DataOutputStream(bytes));
    out.writeInt(bytes.size());
    bytes.writeTo(out);
    learner.save(out);
    env.saveState(out);
    out.writeBoolean(replay != null);
    if (replay != null) {
      replay.write(out, segments);
    }
  }

  /**
   * Restores a checkpoint written by {@link #write} into the given parts, which were built from the same config.
   *
   * @return whether the replay was in it (else the caller starts an empty one)
   */
  static boolean read(DataInputStream in, KeyCheck resumable, SectionReader counters, DqnLearner learner, Env env,
      FrameReplayBuffer replay, SegmentSource segments) throws IOException {
    int format = in.readInt();
    if (format != FORMAT) {
      throw new IOException("checkpoint format " + format + " cannot be resumed by this version (it writes format "
          + FORMAT + "); its policy can still be played and scored. Train into a new output folder");
    }
    resumable.check(in.readUTF());
    EnvSpec.read(in);
    in.readInt(); // counters length
    counters.read(in);
    learner.load(in);
    env.loadState(in);
    if (!in.readBoolean()) {
      return false;
    }
    replay.restore(in, segments.get());
    return true;
  }

  /** The replay's frames, opened only when the checkpoint holds a replay. */
  interface SegmentSource {
    FrameReplayBuffer.SegmentReader get() throws IOException;
  }

  /** The policy of a checkpoint whose format number was already read as {@code format}. */
  static PolicyFile.Policy readPolicy(int format, DataInputStream in, Device device) throws IOException {
    if (format != FORMAT && format != 1) {
      throw new IOException("not a model file or checkpoint (it starts with " + format + "; this version reads "
          + "model files and checkpoints of formats 1 and " + FORMAT + ")");
    }
    TrialConfig config = PolicyFile.parseConfig(in.readUTF());
    EnvSpec spec;
    if (format == 1) {
      in.skipNBytes(in.readInt()); // counters
      try (Env env = Envs.make(config.env(), 0, false)) { // format 1 did not record the shape
        spec = EnvSpec.of(env);
      }
    } else {
      spec = EnvSpec.read(in);
      in.skipNBytes(in.readInt());
    }
    DqnLearner learner = PolicyFile.learner(config, spec, device);
    try {
      learner.load(in);
    } catch (IOException | RuntimeException e) {
      learner.close();
      throw e;
    }
    return new PolicyFile.Policy(config, spec, learner);
  }
}
