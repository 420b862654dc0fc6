package org.dqnsweep.train;

import ai.djl.Device;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.env.EnvSpec;
import org.dqnsweep.learn.DqnLearner;

/**
 * The model file: everything needed to use a trained network (its trial config, the observation shape and type,
 * the action count, the online weights), so {@code play}, {@code score} and MLflow's {@code model.bin} load it
 * without building an env. {@link #read} also takes the policy out of a checkpoint.
 *
 * <p>Layout: magic "DQNP", version, config YAML, {@link EnvSpec}, the online network's parameters.
 */
public final class PolicyFile {
  private static final int MAGIC = 0x44514E50;
  private static final int VERSION = 1;

  private PolicyFile() {}

  /** A policy: its config (for checkpoints, trainer settings at their defaults), what it observes, its learner. */
  public record Policy(TrialConfig config, EnvSpec spec, DqnLearner learner) implements AutoCloseable {
    public Agent agent() {
      return new Agent(learner, spec.actionCount());
    }

    /** Writes this policy as a model file. */
    public void write(DataOutputStream out) throws IOException {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(Yaml.write(Configs.toMap(config)));
      spec.write(out);
      learner.saveNetwork(out);
      out.flush();
    }

    @Override
    public void close() {
      learner.close();
    }
  }

  /** Reads a model file, or the policy of a checkpoint (any format this version writes or wrote before). */
  public static Policy read(DataInputStream in, Device device) throws IOException {
    int first = in.readInt();
    if (first != MAGIC) {
      return CheckpointFile.readPolicy(first, in, device);
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("model file version " + version + " is newer than this version reads (" + VERSION
          + "); use the dqn-sweep that wrote it");
    }
    TrialConfig config = parseConfig(in.readUTF());
    EnvSpec spec = EnvSpec.read(in);
    DqnLearner learner = learner(config, spec, device);
    try {
      learner.loadNetwork(in);
    } catch (IOException | RuntimeException e) {
      learner.close();
      throw e;
    }
    return new Policy(config, spec, learner);
  }

  static TrialConfig parseConfig(String yaml) {
    return TrialConfig.parse(Yaml.parse(yaml, "model file"), "model file", List.of());
  }

  static DqnLearner learner(TrialConfig config, EnvSpec spec, Device device) {
    return new DqnLearner(config.learner(), config.network(), spec.observationShape(), spec.observationType(),
        spec.actionCount(), device, config.seed());
  }
}
