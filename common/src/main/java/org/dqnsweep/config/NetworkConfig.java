package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;

import java.util.List;

/**
 * The Q-network. Default: the Nature CNN of the original script (conv 32 8x8/4, 64 4x4/2, 64 3x3/1, dense 512).
 *
 * @param type {@code nature_cnn} for screens, {@code mlp} for low-dimensional observations
 * @param dueling split the head into value and advantage streams (Wang et al. 2016)
 * @param hidden widths of the MLP's hidden layers (mlp only)
 */
public record NetworkConfig(String type, boolean dueling, List<Integer> hidden) {
  public static final NetworkConfig NATURE = new NetworkConfig("nature_cnn", false, List.of(64, 64));

  public NetworkConfig {
    require("nature_cnn".equals(type) || "mlp".equals(type), "network.type",
        "expected nature_cnn or mlp, got '" + type + "'");
    require(hidden != null && !hidden.isEmpty() && hidden.stream().allMatch(h -> h >= 1 && h <= 65536),
        "network.hidden", "expected a list of layer widths in [1, 65536], got " + hidden);
    hidden = List.copyOf(hidden);
  }
}
