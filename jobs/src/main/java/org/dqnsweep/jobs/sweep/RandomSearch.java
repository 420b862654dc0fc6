package org.dqnsweep.jobs.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Random search: {@code n} samples drawn from a generator seeded with {@code seed}, each setting every key of
 * {@code params} (dotted trial-config key paths, in spec order).
 */
public record RandomSearch(int n, long seed, Map<String, Distribution> params) {
  public RandomSearch {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }
}
