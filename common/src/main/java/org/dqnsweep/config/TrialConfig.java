package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything one training run needs, one record per concern. Defaults reproduce the original PyTorch script;
 * presets in {@code conf/trials/} name their source.
 *
 * @param seed the trial's seed: every generator of the run (env no-ops, exploration, replay sampling, weight
 *     initialization) is derived from it, so runs sharing a JVM never share a generator
 */
public record TrialConfig(
    long seed,
    EnvConfig env,
    NetworkConfig network,
    LearnerConfig learner,
    ExplorationConfig exploration,
    ReplayConfig replay,
    TrainerConfig trainer) {

  public static final TrialConfig ORIGINAL_SCRIPT = new TrialConfig(1, EnvConfig.ORIGINAL_SCRIPT, NetworkConfig.NATURE,
      LearnerConfig.ORIGINAL_SCRIPT, ExplorationConfig.ORIGINAL_SCRIPT, ReplayConfig.ORIGINAL_SCRIPT,
      TrainerConfig.ORIGINAL_SCRIPT);

  public TrialConfig {
    require(env.isAtari() || !network.type().isCnn(), "network.type",
        env.game() + " has a few numbers per observation, not a screen: use network.type: mlp");
    require(!env.isAtari() || network.type().isCnn(), "network.type",
        "Atari observations are screens: use network.type: nature_cnn or nips_cnn (mlp is for cartpole)");
    require(!env.isCartPole() || env.frameStack() == 1, "env.frame_stack",
        "cartpole observations are not stacked: use 1");
    require(replay.capacity() >= learner.batchSize() + env.frameStack() + 1, "replay.capacity",
        "must hold more than a batch (" + learner.batchSize() + ") of stacked transitions");
    require(learner.learnStartAgentSteps() >= learner.batchSize(), "learner.learn_start_agent_steps",
        "must be >= learner.batch_size (" + learner.batchSize() + ") so the first batch has distinct transitions");
  }

  /** Reads a trial config file, applies {@code key=value} overrides (YAML values), validates everything. */
  public static TrialConfig load(Path file, List<String> overrides) {
    return parse(Yaml.read(file), file.toString(), overrides);
  }

  /** Reads a trial config tree (for sweeps, which build trees), applying {@code key=value} overrides. */
  public static TrialConfig parse(JsonNode tree, String source, List<String> overrides) {
    if (!tree.isObject()) {
      throw new ConfigException(source, "expected a mapping of config sections (env, network, learner, ...)");
    }
    ObjectNode root = ((ObjectNode) tree).deepCopy();
    for (String text : overrides) {
      ConfigOverride o = ConfigOverride.parse(text, "learner.lr=3e-4");
      o.applyTo(root, o.path());
    }
    return Configs.read(new ConfigNode(root, ""), TrialConfig.class, ORIGINAL_SCRIPT);
  }
}
