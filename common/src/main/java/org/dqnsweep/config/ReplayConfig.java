package org.dqnsweep.config;

import static org.dqnsweep.config.ConfigException.require;

/**
 * Experience replay. Default: the original script's 100,000 transitions.
 *
 * @param capacity transitions kept (one stored frame each; 1,000,000 Atari frames take 7.2 GB of heap)
 * @param inCheckpoint save the replay with each checkpoint, so a resumed run samples exactly what it would have;
 *     without it a resumed run refills the replay from empty and learns again only once it holds
 *     {@code learner.learn_start_agent_steps} steps (and is no longer identical to an uninterrupted run)
 */
public record ReplayConfig(int capacity, boolean inCheckpoint) {
  public static final ReplayConfig ORIGINAL_SCRIPT = new ReplayConfig(100_000, true);

  public ReplayConfig {
    require(capacity >= 16 && capacity <= 10_000_000, "replay.capacity", "must be in [16, 10,000,000] transitions, got "
        + capacity);
  }
}
