package org.dqnsweep.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.util.Rng;

/**
 * Turns a sweep spec into its trials, grid combinations x random samples x seeds in that nesting order (the first
 * grid key outermost), resolving and checking every trial's config before anything runs.
 */
public final class SweepPlanner {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SweepPlanner() {}

  /** One swept key set to one value; {@code specKey} is where the spec sweeps it, for messages. */
  private record Setting(String key, String specKey, JsonNode value) {}

  /** The settings of one parameter combination and where they came from: grid value indices, random sample. */
  private record Combination(List<Setting> settings, List<Integer> gridIndex, int sample) {}

  /** Every trial of {@code spec}, each resolved through {@link TrialConfig#parse} and distinct from the others. */
  public static List<PlannedTrial> plan(SweepSpec spec) {
    List<String> columns = paramKeys(spec);
    ObjectNode base = MAPPER.valueToTree(Configs.toMap(spec.base()));
    Map<String, Combination> byId = new LinkedHashMap<>();
    List<PlannedTrial> trials = new ArrayList<>();
    for (Combination c : combinations(spec)) {
      for (long seed : spec.seeds()) {
        TrialConfig config = resolve(base, c, seed);
        String yaml = Yaml.write(Configs.toMap(config));
        String id = "t-" + sha256Hex(yaml).substring(0, 10);
        Combination earlier = byId.putIfAbsent(id, c);
        if (earlier != null) {
          throw duplicate(spec, earlier, c, id, seed);
        }
        Map<String, Object> flat = Configs.flatten(Configs.toMap(config));
        LinkedHashMap<String, String> params = new LinkedHashMap<>();
        columns.forEach(k -> params.put(k, ParamText.of(flat.get(k))));
        trials.add(new PlannedTrial(id, seed, params, yaml));
      }
    }
    checkFaults(spec, byId.keySet());
    return trials;
  }

  /** {@code <name>-<8 hex of SHA-256 of the canonical spec>}: a changed spec (or base preset) gets a new id. */
  public static String sweepId(SweepSpec spec) {
    return spec.name() + "-" + sha256Hex(spec.canonicalYaml()).substring(0, 8);
  }

  /** The plan as {@code bin/dqn sweep SPEC --plan} prints it: a header, then one aligned row per trial. */
  public static String planTable(SweepSpec spec, List<PlannedTrial> trials) {
    List<String> header = new ArrayList<>(List.of("trial_id", "seed"));
    header.addAll(paramKeys(spec));
    List<List<String>> rows = new ArrayList<>(List.of(header));
    for (PlannedTrial t : trials) {
      List<String> row = new ArrayList<>(List.of(t.trialId(), Long.toString(t.seed())));
      row.addAll(t.params().values());
      rows.add(row);
    }
    int[] widths = new int[header.size()];
    rows.forEach(r -> {
      for (int i = 0; i < r.size(); i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    });
    StringBuilder out = new StringBuilder("sweep " + sweepId(spec) + ": " + trials.size() + " trials (" + shape(spec)
        + "), base " + spec.baseName() + "\n");
    spec.scheduler().ifPresent(a -> out.append("scheduler: ").append(a instanceof PbtSettings ? "PBT, " : "ASHA, ")
        .append(a.describe()).append('\n'));
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(String.format("%-" + widths[i] + "s  ", r.get(i)));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String shape(SweepSpec spec) {
    List<String> parts = new ArrayList<>();
    if (!spec.grid().isEmpty()) {
      parts.add("grid " + spec.grid().values().stream().mapToInt(List::size).reduce(1, (a, b) -> a * b));
    }
    spec.random().ifPresent(r -> parts.add("random " + r.n()));
    parts.add("seeds " + spec.seeds().size());
    return String.join(" x ", parts);
  }

  /** The table columns: each swept key, or for sub-tree values the union of their leaf keys, in spec order. */
  private static List<String> paramKeys(SweepSpec spec) {
    Set<String> keys = new LinkedHashSet<>();
    spec.grid().forEach((k, values) -> values.forEach(v -> keys.addAll(leaves(k, v).keySet())));
    spec.random().ifPresent(r -> r.params().forEach((k, d) -> {
      if (d instanceof Distribution.Choice choice) {
        choice.options().forEach(v -> keys.addAll(leaves(k, v).keySet()));
      } else {
        keys.add(k);
      }
    }));
    return List.copyOf(keys);
  }

  /** A value's dotted leaf keys under {@code key}: a sub-tree sets only the keys it names, the rest stay the base's. */
  private static Map<String, JsonNode> leaves(String key, JsonNode value) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (value.isObject()) {
      value.fields().forEachRemaining(e -> out.putAll(leaves(key + "." + e.getKey(), e.getValue())));
    } else {
      out.put(key, value);
    }
    return out;
  }

  private static List<Combination> combinations(SweepSpec spec) {
    List<String> keys = List.copyOf(spec.grid().keySet());
    List<List<Setting>> samples = samples(spec);
    int total = spec.grid().values().stream().mapToInt(List::size).reduce(1, (a, b) -> a * b);
    List<Combination> out = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      List<Integer> index = new ArrayList<>();
      int rest = i;
      for (int k = keys.size() - 1; k >= 0; k--) { // the last key varies fastest
        int size = spec.grid().get(keys.get(k)).size();
        index.add(0, rest % size);
        rest /= size;
      }
      List<Setting> settings = new ArrayList<>();
      for (int k = 0; k < keys.size(); k++) {
        String key = keys.get(k);
        settings.add(new Setting(key, "grid." + key, spec.grid().get(key).get(index.get(k))));
      }
      for (int s = 0; s < samples.size(); s++) {
        List<Setting> all = new ArrayList<>(settings);
        all.addAll(samples.get(s));
        out.add(new Combination(all, index, spec.random().isPresent() ? s : -1));
      }
    }
    return out;
  }

  /** The random samples, drawn once in spec order and shared by every grid combination; one empty without random. */
  private static List<List<Setting>> samples(SweepSpec spec) {
    if (spec.random().isEmpty()) {
      return List.of(List.of());
    }
    RandomSearch r = spec.random().get();
    Rng rng = new Rng(r.seed());
    List<List<Setting>> out = new ArrayList<>();
    for (int i = 0; i < r.n(); i++) {
      List<Setting> sample = new ArrayList<>();
      r.params().forEach((k, d) -> sample.add(new Setting(k, "random.params." + k, d.sample(rng))));
      out.add(sample);
    }
    return out;
  }

  private static TrialConfig resolve(ObjectNode base, Combination c, long seed) {
    ObjectNode tree = base.deepCopy();
    for (Setting s : c.settings()) {
      leaves(s.key(), s.value()).forEach((path, value) -> put(tree, path, value, s.specKey()));
    }
    tree.put("seed", seed);
    try {
      return TrialConfig.parse(tree, "trial", List.of());
    } catch (ConfigException e) {
      throw inTrial(e, c, seed);
    }
  }

  private static void put(ObjectNode tree, String path, JsonNode value, String specKey) {
    String[] parts = path.split("\\.");
    ObjectNode at = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = at.get(parts[i]);
      if (next == null || next.isNull()) {
        next = at.putObject(parts[i]);
      } else if (!next.isObject()) {
        throw new ConfigException(specKey, "'" + String.join(".", List.of(parts).subList(0, i + 1))
            + "' is a single value, not a section: give it a value, not a mapping");
      }
      at = (ObjectNode) next;
    }
    at.set(parts[parts.length - 1], value);
  }

  /** Moves a trial config error to the spec key that caused it, naming the combination. */
  private static ConfigException inTrial(ConfigException e, Combination c, long seed) {
    String path = e.keyPath();
    String where = " (in the trial " + describe(c, seed) + ")";
    for (Setting s : c.settings()) {
      if (path.equals(s.key()) || path.startsWith(s.key() + ".")) {
        return new ConfigException(s.specKey() + path.substring(s.key().length()), SweepSpecReader.problem(e) + where);
      }
    }
    return new ConfigException(path, SweepSpecReader.problem(e) + where);
  }

  private static String describe(Combination c, long seed) {
    return c.settings().stream().map(s -> s.key() + "=" + s.value()).collect(Collectors.joining(", "))
        + (c.settings().isEmpty() ? "" : ", ") + "seed " + seed;
  }

  private static ConfigException duplicate(SweepSpec spec, Combination a, Combination b, String id, long seed) {
    List<String> keys = List.copyOf(spec.grid().keySet());
    String same = " give the same trial " + id + " (" + describe(b, seed) + ")";
    for (int k = 0; k < keys.size(); k++) {
      int i = a.gridIndex().get(k);
      int j = b.gridIndex().get(k);
      if (i != j) {
        return new ConfigException("grid." + keys.get(k), "values " + (i + 1) + " and " + (j + 1) + same
            + "; remove the duplicate value");
      }
    }
    return new ConfigException("random.n", "samples " + (a.sample() + 1) + " and " + (b.sample() + 1) + same
        + "; draw fewer samples or give the choices more options");
  }

  private static void checkFaults(SweepSpec spec, Set<String> ids) {
    for (int i = 0; i < spec.faults().size(); i++) {
      String trial = spec.faults().get(i).trial();
      ConfigException.require(ids.contains(trial), "faults[" + i + "].trial", "no trial '" + trial + "' in the plan; "
          + "its trials: " + ids.stream().limit(10).collect(Collectors.joining(", "))
          + (ids.size() > 10 ? ", ..." : "") + " (bin/dqn sweep SPEC --plan lists them all)");
    }
  }

  private static String sha256Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
