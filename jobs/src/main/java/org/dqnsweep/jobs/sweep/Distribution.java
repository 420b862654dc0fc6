package org.dqnsweep.jobs.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.config.ConfigNode;
import org.dqnsweep.util.Rng;

/** Where a random-search parameter draws its values from: {@code loguniform}, {@code uniform} or {@code choice}. */
public sealed interface Distribution {
  String EXAMPLES = "{loguniform: [1.0e-5, 1.0e-3]}, {uniform: [0.95, 0.995]} or {choice: [true, false]}";

  /** One value, drawn from {@code rng}. */
  JsonNode sample(Rng rng);

  /** The distribution as written in a spec, for the canonical spec behind the sweep id. */
  Map<String, Object> toSpec();

  /** log(value) uniform in [log low, log high]: for scales such as learning rates. */
  record LogUniform(double low, double high) implements Distribution {
    @Override
    public JsonNode sample(Rng rng) {
      double v = Math.exp(Math.log(low) + rng.nextDouble() * (Math.log(high) - Math.log(low)));
      return DoubleNode.valueOf(Math.min(high, Math.max(low, v))); // exp(log(x)) may round just outside
    }

    @Override
    public Map<String, Object> toSpec() {
      return Map.of("loguniform", List.of(low, high));
    }
  }

  /** Uniform in [low, high). */
  record Uniform(double low, double high) implements Distribution {
    @Override
    public JsonNode sample(Rng rng) {
      return DoubleNode.valueOf(low + rng.nextDouble() * (high - low));
    }

    @Override
    public Map<String, Object> toSpec() {
      return Map.of("uniform", List.of(low, high));
    }
  }

  /** One of the options, each equally likely; an option may be a whole sub-tree. */
  record Choice(List<JsonNode> options) implements Distribution {
    public Choice {
      options = options.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    @Override
    public JsonNode sample(Rng rng) {
      return options.get(rng.nextInt(options.size()));
    }

    @Override
    public Map<String, Object> toSpec() {
      return Map.of("choice", options);
    }
  }

  /** Reads {@code {kind: args}} at {@code keyPath}, checking the kind, the bounds and the options. */
  static Distribution read(JsonNode node, String keyPath) {
    if (node == null || !node.isObject()) {
      throw new ConfigException(keyPath, "expected a distribution such as " + EXAMPLES);
    }
    ConfigNode c = new ConfigNode(node, keyPath);
    List<String> given = new ArrayList<>();
    for (String kind : List.of("loguniform", "uniform", "choice")) {
      if (c.has(kind)) {
        given.add(kind);
      }
    }
    c.finish();
    ConfigException.require(given.size() == 1, keyPath, "give exactly one of loguniform, uniform or choice, got "
        + (given.isEmpty() ? "none" : String.join(" and ", given)) + "; e.g. " + EXAMPLES);
    String kind = given.get(0);
    String at = keyPath + "." + kind;
    JsonNode args = node.get(kind);
    if (kind.equals("choice")) {
      ConfigException.require(args.isArray() && !args.isEmpty(), at, "expected a non-empty list of options");
      List<JsonNode> options = new ArrayList<>();
      args.forEach(options::add);
      return new Choice(options);
    }
    ConfigException.require(args.isArray() && args.size() == 2, at, "expected [low, high]");
    double low = number(args.get(0), at);
    double high = number(args.get(1), at);
    ConfigException.require(low < high, at, "low must be below high, got [" + low + ", " + high + "]");
    if (kind.equals("uniform")) {
      return new Uniform(low, high);
    }
    ConfigException.require(low > 0, at, "loguniform bounds must be > 0, got [" + low + ", " + high
        + "]; use uniform for ranges that include 0");
    return new LogUniform(low, high);
  }

  private static double number(JsonNode v, String keyPath) {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.textValue().trim()); // 1e-5 (no dot) is a string to YAML 1.1
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new ConfigException(keyPath, "expected numbers, got '" + v.asText() + "'");
  }
}
