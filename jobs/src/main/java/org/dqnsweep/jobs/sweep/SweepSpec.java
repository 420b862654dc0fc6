package org.dqnsweep.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.util.Venv;

/**
 * A sweep specification from {@code conf/sweeps/}: a base trial config, the grid and random parameters swept over
 * it, the seeds, what the transitions table records, and injected faults (tests only). Checked on reading; the
 * trials themselves are resolved and checked by {@link SweepPlanner}.
 *
 * @param name experiment name, {@code [A-Za-z0-9_.-]+}
 * @param baseName the preset name, path, or {@code inline}, as the spec gave it
 * @param base the resolved base trial config (spec {@code base.*} overrides applied)
 * @param grid dotted trial-config key path -> its values (a value may be a sub-tree), in spec order; the trees are
 *     copied in and never changed
 * @param random the random search, if any
 * @param seeds each parameter combination runs once per seed (default: the base's seed)
 * @param transitions what the transitions table records
 * @param faults injected failures, for tests; each names a planned trial
 * @param scheduler ASHA or PBT, or empty: every trial trains to its full budget
 * @param stopDriverAfterDecisions a test fault: the driver stops after this many scheduler decisions (0: never)
 */
public record SweepSpec(
    String name,
    String baseName,
    TrialConfig base,
    Map<String, List<JsonNode>> grid,
    Optional<RandomSearch> random,
    List<Long> seeds,
    Transitions transitions,
    List<Fault> faults,
    Optional<SchedulerSettings> scheduler,
    int stopDriverAfterDecisions) {

  public SweepSpec {
    Map<String, List<JsonNode>> copy = new LinkedHashMap<>();
    grid.forEach((k, values) -> copy.put(k, values.stream().<JsonNode>map(JsonNode::deepCopy).toList()));
    grid = Collections.unmodifiableMap(copy);
    seeds = List.copyOf(seeds);
    faults = List.copyOf(faults);
  }

  /** Reads a spec file, applying {@code key.path=value} overrides ({@code base.*} ones go to the base config). */
  public static SweepSpec load(Path file, List<String> overrides) {
    return SweepSpecReader.read(Yaml.read(file), file.toString(), Venv.home(), overrides);
  }

  /** Reads spec text; {@code home} is the project root that preset names and relative base paths start at. */
  public static SweepSpec parse(String yaml, String source, Path home, List<String> overrides) {
    return SweepSpecReader.read(Yaml.parse(yaml, source), source, home, overrides);
  }

  /**
   * The spec with its base resolved, as YAML: the same spec always gives the same text. Records are written as
   * lists because the order of Map.of entries changes from one JVM to the next.
   */
  String canonicalYaml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("base", Configs.toMap(base));
    m.put("grid", grid);
    random.ifPresent(r -> {
      Map<String, Object> params = new LinkedHashMap<>();
      r.params().forEach((k, d) -> params.put(k, d.toSpec()));
      m.put("random", List.of(r.n(), r.seed(), params));
    });
    m.put("seeds", seeds);
    m.put("transitions", List.of(transitions.frames().name(), transitions.everyN()));
    List<Object> fs = new ArrayList<>();
    faults.forEach(f -> fs.add(f.killExecutor() ? List.of(f.trial(), f.failAtStep(), f.times(), "kill_executor")
        : f.permanent() ? List.of(f.trial(), f.failAtStep(), f.times(), "permanent")
        : List.of(f.trial(), f.failAtStep(), f.times())));
    if (stopDriverAfterDecisions > 0) {
      fs.add(List.of("stop_driver_after_decisions", stopDriverAfterDecisions));
    }
    m.put("faults", fs);
    if (scheduler.orElse(null) instanceof AshaSettings a) {
      m.put("scheduler", List.of("asha", Configs.word(a.metric()), Configs.word(a.mode()), a.minAgentSteps(),
          a.maxAgentSteps(), a.reductionFactor()));
    } else if (scheduler.orElse(null) instanceof PbtSettings p) {
      Map<String, Object> resample = new LinkedHashMap<>();
      p.resample().forEach((k, d) -> resample.put(k, d.toSpec()));
      m.put("scheduler", List.of("pbt", Configs.word(p.metric()), Configs.word(p.mode()), p.intervalAgentSteps(),
          p.maxAgentSteps(), p.quantile(), p.perturb(), resample, p.resampleProbability(), p.seed()));
    }
    return Yaml.write(m);
  }
}
