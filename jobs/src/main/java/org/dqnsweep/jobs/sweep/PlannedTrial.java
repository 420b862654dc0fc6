package org.dqnsweep.jobs.sweep;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;

/**
 * One trial of a sweep, as shipped to the task that runs it.
 *
 * @param trialId {@code t-} + 10 hex digits of the SHA-256 of {@code configYaml}: the same config and seed always
 *     get the same id
 * @param seed the trial's seed
 * @param params swept key path -> value as compact text, in spec order (sub-tree values as their dotted leaf keys)
 * @param configYaml the full resolved trial config, seed included
 */
public record PlannedTrial(String trialId, long seed, LinkedHashMap<String, String> params, String configYaml)
    implements Serializable {

  public PlannedTrial {
    params = new LinkedHashMap<>(params);
  }

  @Override
  public LinkedHashMap<String, String> params() {
    return new LinkedHashMap<>(params); // a copy: the record stays immutable
  }

  /** The trial config, read back from {@link #configYaml()}. */
  public TrialConfig config() {
    return TrialConfig.parse(Yaml.parse(configYaml, trialId), trialId, List.of());
  }
}
