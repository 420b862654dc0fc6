package org.dqnsweep.jobs.sweep;

import static org.dqnsweep.config.ConfigException.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.ConfigNode;
import org.dqnsweep.config.ConfigOverride;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.train.ResumableSettings;

/** Reads and checks a sweep spec tree, section by section; every error names its key path and the fix. */
final class SweepSpecReader {
  private static final String KEY_PATH = "[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*";

  private SweepSpecReader() {}

  static SweepSpec read(JsonNode tree, String source, Path home, List<String> overrides) {
    if (!tree.isObject()) {
      throw new ConfigException(source, "expected a mapping with name, base, grid, random, seeds, transitions");
    }
    ObjectNode root = ((ObjectNode) tree).deepCopy();
    List<String> baseOverrides = new ArrayList<>(readSet(root.get("set")));
    for (String o : overrides) {
      applyOverride(root, o, baseOverrides);
    }
    ConfigNode top = new ConfigNode(root, "");
    for (String key : List.of("name", "base", "set", "grid", "random", "seeds", "transitions", "faults",
        "scheduler")) {
      top.has(key);
    }
    top.finish();

    String name = top.getString("name", null);
    require(name != null, "name", "required: the experiment name, e.g. name: quickstart");
    require(name.matches("[A-Za-z0-9_.-]+"), "name", "use letters, digits, '_', '.' and '-' only, got '" + name + "'");
    require(top.has("base"), "base", "required: a preset from conf/trials (e.g. base: pong-smoke), a path to a "
        + "trial config file, or an inline trial config mapping");
    JsonNode baseNode = root.get("base");
    String baseName = baseNode.isObject() ? "inline" : baseNode.asText();
    TrialConfig base = readBase(baseNode, home, baseOverrides);
    Map<String, List<JsonNode>> grid = readGrid(root.get("grid"));
    Optional<RandomSearch> random = top.has("random") ? Optional.of(readRandom(root.get("random"))) : Optional.empty();
    checkSweptKeys(grid, random);
    List<Long> seeds = top.has("seeds") ? readSeeds(root.get("seeds")) : List.of(base.seed());
    Transitions transitions = readTransitions(top.child("transitions"));
    Optional<SchedulerSettings> scheduler = top.has("scheduler") ? Optional.of(readScheduler(top.child("scheduler"),
        root.get("scheduler"), base, grid, random, seeds.size())) : Optional.empty();
    List<Fault> faults = new ArrayList<>();
    int stopDriver = readFaults(root.get("faults"), faults);
    require(stopDriver == 0 || scheduler.isPresent(), "faults", "stop_driver_after_decisions needs a scheduler: "
        + "section (it counts the scheduler's decisions)");
    return new SweepSpec(name, baseName, base, grid, random, seeds, transitions, faults, scheduler, stopDriver);
  }

  /** {@code scheduler: {type: asha | pbt, ...}}. */
  private static SchedulerSettings readScheduler(ConfigNode s, JsonNode node, TrialConfig base,
      Map<String, List<JsonNode>> grid, Optional<RandomSearch> random, int seeds) {
    String type = s.getString("type", null);
    require(type != null, s.keyPath("type"), "required: asha (asynchronous successive halving) or pbt "
        + "(population-based training)");
    require(type.equals("asha") || type.equals("pbt"), s.keyPath("type"), "expected asha or pbt, got '" + type
        + "'");
    return type.equals("asha") ? readAsha(s, base, grid, random) : readPbt(s, node, base, grid, random, seeds);
  }

  /**
   * {@code scheduler: {type: pbt, metric, mode, interval_agent_steps, max_agent_steps, quantile, perturb, resample,
   * resample_probability, seed}}: every key it changes, and every key the sweep varies between members (they copy
   * each other's checkpoints), must be one a resume may change.
   */
  private static PbtSettings readPbt(ConfigNode s, JsonNode node, TrialConfig base, Map<String, List<JsonNode>> grid,
      Optional<RandomSearch> random, int seeds) {
    String metric = s.getString("metric", "eval_return");
    String mode = s.getString("mode", "max");
    boolean hasInterval = s.has("interval_agent_steps");
    long interval = s.getLong("interval_agent_steps", 0);
    long budget = base.trainer().maxAgentSteps();
    long max = s.getLong("max_agent_steps", budget);
    double quantile = s.getDouble("quantile", 0.25);
    double probability = s.getDouble("resample_probability", 0.25);
    long seed = s.getLong("seed", 0);
    boolean hasPerturb = s.has("perturb");
    boolean hasResample = s.has("resample");
    s.finish();
    SchedulerSettings.Metric m = word(metric, SchedulerSettings.Metric.values(), s.keyPath("metric"));
    SchedulerSettings.Mode md = word(mode, SchedulerSettings.Mode.values(), s.keyPath("mode"));
    require(hasInterval, s.keyPath("interval_agent_steps"), "required: the agent steps of a generation, e.g. "
        + "interval_agent_steps: " + Math.max(1, budget / 10));
    require(interval >= 1, s.keyPath("interval_agent_steps"), "must be >= 1 agent step, got " + interval);
    checkWithinBudget(s, max, budget);
    require(interval < max, s.keyPath("interval_agent_steps"), "must be below max_agent_steps " + max + ", got "
        + interval);
    require(quantile > 0 && quantile <= 0.5, s.keyPath("quantile"), "must be in (0, 0.5] (the bottom quantile "
        + "copies the top one; they may not overlap), got " + quantile);
    require(probability >= 0 && probability <= 1, s.keyPath("resample_probability"), "must be in [0, 1], got "
        + probability);
    require(hasPerturb || hasResample, s.keyPath("perturb"), "PBT needs settings to change: perturb: "
        + "{learner.lr: [0.8, 1.2]} and/or resample: {learner.lr: {loguniform: [1.0e-5, 1.0e-3]}}");
    Map<String, Object> values = Configs.flatten(Configs.toMap(base));
    Map<String, List<Double>> perturb = new LinkedHashMap<>();
    if (hasPerturb) {
      JsonNode p = node.get("perturb");
      require(p.isObject() && !p.isEmpty(), s.keyPath("perturb"), "expected a mapping of key paths to factors, "
          + "e.g. learner.lr: [0.8, 1.2]");
      p.fields().forEachRemaining(e -> {
        String at = s.keyPath("perturb") + "." + e.getKey();
        checkChangeable(e.getKey(), at, values);
        require(values.get(e.getKey()) instanceof Number, at, "perturbs numbers only; resample a setting of words "
            + "with {choice: [...]}");
        List<Double> factors = new ArrayList<>();
        require(e.getValue().isArray() && !e.getValue().isEmpty(), at, "expected a list of factors, e.g. [0.8, 1.2]");
        e.getValue().forEach(f -> {
          require(f.isNumber() && f.asDouble() > 0 && Double.isFinite(f.asDouble()), at, "factors must be numbers "
              + "> 0, got " + f);
          factors.add(f.asDouble());
        });
        perturb.put(e.getKey(), List.copyOf(factors));
      });
    }
    Map<String, Distribution> resample = new LinkedHashMap<>();
    if (hasResample) {
      JsonNode r = node.get("resample");
      require(r.isObject() && !r.isEmpty(), s.keyPath("resample"), "expected a mapping of key paths to "
          + "distributions, e.g. learner.lr: {loguniform: [1.0e-5, 1.0e-3]}");
      r.fields().forEachRemaining(e -> {
        String at = s.keyPath("resample") + "." + e.getKey();
        checkChangeable(e.getKey(), at, values);
        resample.put(e.getKey(), Distribution.read(e.getValue(), at));
      });
    }
    checkMetricIsMeasured(s, m, base);
    Map<String, String> swept = new LinkedHashMap<>();
    grid.keySet().forEach(k -> swept.put(k, "grid." + k));
    random.ifPresent(rs -> rs.params().keySet().forEach(k -> swept.put(k, "random.params." + k)));
    swept.forEach((k, at) -> require(!k.startsWith("trainer") && ResumableSettings.changeable(k), at, "PBT members "
        + "copy each other's checkpoints, so the sweep may vary only settings a resume may change ("
        + String.join(", ", ResumableSettings.CHANGEABLE) + "), not " + k));
    long population = (long) seeds * random.map(RandomSearch::n).orElse(1)
        * grid.values().stream().mapToLong(List::size).reduce(1, (a, b) -> a * b);
    require(Math.floor(quantile * population) >= 1, s.keyPath("quantile"), "with " + population + " members the "
        + "bottom " + quantile + " is nobody: plan at least " + (long) Math.ceil(1 / quantile) + " members (grid, "
        + "random.n, seeds) or raise quantile");
    return new PbtSettings(m, md, interval, max, quantile, perturb, resample, probability, seed);
  }

  private static void checkWithinBudget(ConfigNode s, long max, long budget) {
    require(max <= budget, s.keyPath("max_agent_steps"), "is " + max + ", beyond the base config's budget "
        + "trainer.max_agent_steps " + budget + ": lower it or raise the budget (set: {trainer.max_agent_steps: "
        + max + "})");
  }

  private static void checkMetricIsMeasured(ConfigNode s, SchedulerSettings.Metric m, TrialConfig base) {
    require(m != SchedulerSettings.Metric.EVAL_RETURN || base.trainer().evalEpisodes() >= 1, s.keyPath("metric"),
        "eval_return needs evaluations: set trainer.eval_episodes >= 1 in the base, or use metric: mean10_return");
  }

  private static void checkChangeable(String key, String at, Map<String, Object> values) {
    require(key.matches(KEY_PATH), at, "a key path is section.key, e.g. learner.lr");
    require(!key.startsWith("trainer.") && ResumableSettings.changeable(key), at, key + " cannot change mid-run: "
        + "a resume may change only " + String.join(", ", ResumableSettings.CHANGEABLE));
    require(values.containsKey(key), at, "no such setting in the base config");
  }

  /**
   * {@code scheduler: {type: asha, metric, mode, min_agent_steps, max_agent_steps, reduction_factor}}, checked
   * against the base config (its budget, its evaluations) and the swept keys (the budget is the scheduler's).
   */
  private static AshaSettings readAsha(ConfigNode s, TrialConfig base, Map<String, List<JsonNode>> grid,
      Optional<RandomSearch> random) {
    String metric = s.getString("metric", "eval_return");
    String mode = s.getString("mode", "max");
    boolean hasMin = s.has("min_agent_steps");
    long min = s.getLong("min_agent_steps", 0);
    long budget = base.trainer().maxAgentSteps();
    long max = s.getLong("max_agent_steps", budget);
    double eta = s.getDouble("reduction_factor", 3);
    s.finish();
    SchedulerSettings.Metric m = word(metric, SchedulerSettings.Metric.values(), s.keyPath("metric"));
    SchedulerSettings.Mode md = word(mode, SchedulerSettings.Mode.values(), s.keyPath("mode"));
    require(hasMin, s.keyPath("min_agent_steps"), "required: the first rung's budget in agent steps, e.g. "
        + "min_agent_steps: " + Math.max(1, budget / 9));
    require(min >= 1, s.keyPath("min_agent_steps"), "must be >= 1 agent step, got " + min);
    checkWithinBudget(s, max, budget);
    require(min < max, s.keyPath("min_agent_steps"), "must be below max_agent_steps " + max + ", got " + min);
    require(eta > 1 && Double.isFinite(eta), s.keyPath("reduction_factor"), "must be a number > 1 (each rung keeps the top 1/reduction_factor), got "
        + eta);
    checkMetricIsMeasured(s, m, base);
    List<String> swept = new ArrayList<>(grid.keySet());
    random.ifPresent(r -> swept.addAll(r.params().keySet()));
    for (String k : swept) {
      require(!k.equals("trainer") && !k.equals("trainer.max_agent_steps"), s.keyPath("type"), "the sweep also "
          + "varies " + k + ", but with a scheduler each trial's budget is the scheduler's rungs: drop it from the "
          + "sweep");
    }
    return new AshaSettings(m, md, min, max, eta);
  }

  private static <E extends Enum<?>> E word(String text, E[] allowed, String keyPath) {
    try {
      return org.dqnsweep.config.Configs.fromWord(text, allowed);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(keyPath, e.getMessage());
    }
  }

  /**
   * Sets one {@code key.path=value} override. Under {@code grid} and {@code random.params} the rest of the path is
   * one dotted key, as written in the spec; {@code base.*} overrides are kept for the base trial config.
   */
  private static void applyOverride(ObjectNode root, String override, List<String> baseOverrides) {
    ConfigOverride o = ConfigOverride.parse(override, "random.n=8 or base.trainer.max_agent_steps=1000");
    if (o.key().startsWith("base.")) {
      baseOverrides.add(override.substring(override.indexOf("base.") + "base.".length()));
      return;
    }
    List<String> path = new ArrayList<>();
    for (String prefix : List.of("grid.", "random.params.")) {
      if (o.key().startsWith(prefix)) {
        path.addAll(List.of(prefix.substring(0, prefix.length() - 1).split("\\.")));
        path.add(o.key().substring(prefix.length()));
      }
    }
    o.applyTo(root, path.isEmpty() ? o.path() : path);
  }

  /**
   * {@code set:} changes the base for every trial, as {@code --set base.*} would: a mapping of dotted trial-config
   * keys to values, e.g. {@code set: {trainer.max_agent_steps: 30000}}; overrides on the command line come after.
   */
  private static List<String> readSet(JsonNode set) {
    List<String> out = new ArrayList<>();
    if (set == null || set.isNull()) {
      return out;
    }
    require(set.isObject(), "set", "expected a mapping of trial config key paths to values, e.g. "
        + "set: {trainer.max_agent_steps: 30000}");
    set.fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().toString()));
    return out;
  }

  private static TrialConfig readBase(JsonNode base, Path home, List<String> overrides) {
    if (base.isObject()) {
      return parseBase(base, "the inline base", overrides);
    }
    require(base.isTextual(), "base", "expected a preset name, a path or a trial config mapping, got a list");
    Path file = baseFile(base.asText(), home);
    return parseBase(Yaml.read(file), file.toString(), overrides);
  }

  /** A bare name is a preset, {@code conf/trials/<name>.yaml}; anything else is a path from the project root. */
  private static Path baseFile(String base, Path home) {
    Path presets = home.resolve("conf/trials");
    if (base.matches("[A-Za-z0-9_.-]+") && !base.matches(".*\\.ya?ml")) {
      Path file = presets.resolve(base + ".yaml");
      require(Files.isRegularFile(file), "base", "no preset '" + base + "' in " + presets + "; presets: "
          + String.join(", ", presetNames(presets)));
      return file;
    }
    Path file = home.resolve(base);
    require(Files.isRegularFile(file), "base", "file not found: " + file + " (a relative path starts at the project "
        + "root " + home + ")");
    return file;
  }

  private static List<String> presetNames(Path presets) {
    try (Stream<Path> files = Files.list(presets)) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
          .map(f -> f.substring(0, f.length() - ".yaml".length())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + presets, e);
    }
  }

  private static TrialConfig parseBase(JsonNode tree, String where, List<String> overrides) {
    try {
      return TrialConfig.parse(tree, where, overrides);
    } catch (ConfigException e) {
      throw new ConfigException("base." + e.keyPath(), problem(e) + " (in " + where + ")");
    }
  }

  /** The message of {@code e} without its key path, to re-attach it under another path. */
  static String problem(ConfigException e) {
    return e.getMessage().substring(e.keyPath().length() + 2);
  }

  private static Map<String, List<JsonNode>> readGrid(JsonNode grid) {
    Map<String, List<JsonNode>> out = new LinkedHashMap<>();
    if (grid == null || grid.isNull()) {
      return out;
    }
    require(grid.isObject(), "grid", "expected a mapping of key paths to lists of values, e.g. learner.lr: [1.0e-4, "
        + "2.5e-4]");
    grid.fields().forEachRemaining(e -> {
      String at = "grid." + e.getKey();
      checkKeyPath(e.getKey(), at);
      require(e.getValue().isArray(), at, "expected a list of values, e.g. [1.0e-4, 2.5e-4] (a single value belongs "
          + "in the base config)");
      require(!e.getValue().isEmpty(), at, "empty list: give at least one value or remove the key");
      List<JsonNode> values = new ArrayList<>();
      e.getValue().forEach(values::add);
      out.put(e.getKey(), values);
    });
    return out;
  }

  private static RandomSearch readRandom(JsonNode random) {
    ConfigNode r = new ConfigNode(random, "random");
    boolean hasN = r.has("n");
    int n = r.getInt("n", 0);
    long seed = r.getLong("seed", 0);
    boolean hasParams = r.has("params");
    r.finish(); // typos first: random.nn should suggest n, not report n missing
    require(hasN, "random.n", "required: the number of samples, >= 1");
    require(n >= 1, "random.n", "must be >= 1 sample, got " + n);
    require(hasParams, "random.params", "required: key path -> distribution, e.g. learner.lr: "
        + "{loguniform: [1.0e-5, 1.0e-3]}");
    JsonNode params = random.get("params");
    require(params.isObject() && !params.isEmpty(), "random.params", "expected a non-empty mapping of key paths "
        + "to distributions, e.g. learner.lr: {loguniform: [1.0e-5, 1.0e-3]}");
    Map<String, Distribution> out = new LinkedHashMap<>();
    params.fields().forEachRemaining(e -> {
      String at = "random.params." + e.getKey();
      checkKeyPath(e.getKey(), at);
      out.put(e.getKey(), Distribution.read(e.getValue(), at));
    });
    return new RandomSearch(n, seed, out);
  }

  private static void checkKeyPath(String key, String at) {
    require(key.matches(KEY_PATH), at, "a key path is section.key, e.g. learner.lr");
    require(!key.equals("seed"), at, "the seed is swept by the top-level seeds list, e.g. seeds: [1, 2, 3]");
  }

  /** Each trial-config key may be swept once: not in both grid and random, not together with its section. */
  private static void checkSweptKeys(Map<String, List<JsonNode>> grid, Optional<RandomSearch> random) {
    Map<String, String> swept = new LinkedHashMap<>(); // key -> where it is swept, for messages
    grid.keySet().forEach(k -> swept.put(k, "grid." + k));
    for (String k : random.map(r -> r.params().keySet()).orElse(Set.of())) {
      require(!grid.containsKey(k), "random.params." + k, "also swept in grid." + k + "; remove it from one of them");
      swept.put(k, "random.params." + k);
    }
    for (String a : swept.keySet()) {
      for (String b : swept.keySet()) {
        require(!b.startsWith(a + "."), swept.get(b), "inside " + swept.get(a) + ", which sets the whole '" + a
            + "' section; sweep the section or this key, not both");
      }
    }
  }

  private static List<Long> readSeeds(JsonNode seeds) {
    require(seeds.isArray() && !seeds.isEmpty(), "seeds", "expected a non-empty list of whole numbers, e.g. [1, 2, 3]");
    List<Long> out = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (JsonNode s : seeds) {
      require(s.isIntegralNumber() && s.canConvertToLong(), "seeds", "expected whole numbers, got '" + s.asText()
          + "'");
      require(seen.add(s.longValue()), "seeds", "seed " + s.longValue() + " is listed twice; seeds must be unique");
      out.add(s.longValue());
    }
    return out;
  }

  private static Transitions readTransitions(ConfigNode t) {
    String frames = t.getString("frames", "none");
    boolean hasEveryN = t.has("every_n");
    long everyN = t.getLong("every_n", 0);
    t.finish();
    TransitionFrames kind = switch (frames) {
      case "none" -> TransitionFrames.NONE;
      case "all" -> TransitionFrames.ALL;
      case "every_n" -> TransitionFrames.EVERY_N;
      default -> throw new ConfigException("transitions.frames", "expected none, all or every_n, got '" + frames
          + "'");
    };
    if (kind != TransitionFrames.EVERY_N) {
      require(!hasEveryN, "transitions.every_n", "only with frames: every_n; remove it or set transitions.frames: "
          + "every_n");
      return new Transitions(kind, 0);
    }
    require(hasEveryN, "transitions.every_n", "required with frames: every_n, e.g. every_n: 1000");
    require(everyN >= 1, "transitions.every_n", "must be >= 1 agent step, got " + everyN);
    return new Transitions(kind, everyN);
  }

  /**
   * Reads the trial faults into {@code out}; returns the driver's {@code stop_driver_after_decisions} (0: none), an
   * entry of its own: {@code - {stop_driver_after_decisions: 3}}.
   */
  private static int readFaults(JsonNode faults, List<Fault> out) {
    int stopDriver = 0;
    if (faults == null || faults.isNull()) {
      return stopDriver;
    }
    require(faults.isArray(), "faults", "expected a list such as [{trial: t-0123456789, fail_at_step: 500, times: "
        + "1}] (optionally kill_executor: true or permanent: true)");
    for (int i = 0; i < faults.size(); i++) {
      ConfigNode f = new ConfigNode(faults.get(i), "faults[" + i + "]");
      if (f.has("stop_driver_after_decisions")) {
        stopDriver = f.getInt("stop_driver_after_decisions", 0);
        f.finish();
        require(stopDriver >= 1, f.keyPath("stop_driver_after_decisions"), "must be >= 1, got " + stopDriver);
        continue;
      }
      String trial = f.getString("trial", null);
      boolean hasStep = f.has("fail_at_step");
      long step = f.getLong("fail_at_step", 0);
      int times = f.getInt("times", 1);
      boolean kill = f.getBool("kill_executor", false);
      boolean permanent = f.getBool("permanent", false);
      f.finish();
      require(trial != null, f.keyPath("trial"), "required: a trial id from the plan (bin/dqn sweep SPEC --plan)");
      require(hasStep, f.keyPath("fail_at_step"), "required: the agent step to fail at");
      require(step >= 0, f.keyPath("fail_at_step"), "must be >= 0 agent steps, got " + step);
      require(times >= 1, f.keyPath("times"), "must be >= 1, got " + times);
      require(!(kill && permanent), f.keyPath("permanent"), "a halted executor is not a failure a retry sees: use "
          + "kill_executor or permanent, not both");
      out.add(new Fault(trial, step, times, kill, permanent));
    }
    return stopDriver;
  }
}
