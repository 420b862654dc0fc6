package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;

import java.util.List;

/**
 * The Q-network. Default: the Nature CNN of the original script (conv 32 8x8/4, 64 4x4/2, 64 3x3/1, dense 512).
 *
 * @param type the architecture: {@code nature_cnn} (Mnih et al. 2015) or {@code nips_cnn} (Mnih et al. 2013,
 *     about a third of the compute) for screens, {@code mlp} for cartpole and moving_dot
 * @param dueling split the head into value and advantage streams (Wang et al. 2016)
 * @param hidden widths of the MLP's hidden layers (mlp only)
 */
public record NetworkConfig(Type type, boolean dueling, List<Integer> hidden) {
  public static final NetworkConfig NATURE = new NetworkConfig(Type.NATURE_CNN, false, List.of(64, 64));

  /** The published architectures. */
  public enum Type {
    /** Mnih et al. 2015 (Nature): conv 32 8x8/4, conv 64 4x4/2, conv 64 3x3/1, dense 512; for screens. */
    NATURE_CNN,
    /** Mnih et al. 2013 (NIPS workshop): conv 16 8x8/4, conv 32 4x4/2, dense 256; for screens, about 3x cheaper. */
    NIPS_CNN,
    /** Fully connected layers of {@code hidden} widths, for low-dimensional observations. */
    MLP;

    public boolean isCnn() {
      return this != MLP;
    }
  }

  public NetworkConfig {
    require(type != null, "network.type", "expected nature_cnn, nips_cnn or mlp");
    require(hidden != null && !hidden.isEmpty() && hidden.stream().allMatch(h -> h >= 1 && h <= 65536),
        "network.hidden", "expected a list of layer widths in [1, 65536], got " + hidden);
    hidden = List.copyOf(hidden);
  }
}
