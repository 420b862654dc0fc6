package org.dqnsweep.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One {@code key.path=value} override from the command line ({@code --set}), the value read as YAML; the one
 * reader of that syntax for trial configs and sweep specs.
 *
 * @param key the dotted key path as written
 * @param value the value, parsed as YAML ({@code 3e-4}, {@code [1, 2]}, {@code {schedule: linear}})
 */
public record ConfigOverride(String key, JsonNode value) {

  /** @param example a valid override to show in the error, e.g. {@code learner.lr=3e-4} */
  public static ConfigOverride parse(String text, String example) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(text, "an override is key.path=value, e.g. " + example);
    }
    return new ConfigOverride(text.substring(0, eq).trim(), Yaml.parse(text.substring(eq + 1), "--set " + text));
  }

  /** The key path split at its dots. */
  public List<String> path() {
    return List.of(key.split("\\."));
  }

  /** Sets the value at {@code path} under {@code root}, creating the sections on the way. */
  public void applyTo(ObjectNode root, List<String> path) {
    ObjectNode at = root;
    for (String p : path.subList(0, path.size() - 1)) {
      JsonNode next = at.get(p);
      if (next == null || next.isNull()) {
        next = at.putObject(p);
      } else if (!next.isObject()) {
        throw new ConfigException(key, "'" + p + "' is a value, not a section");
      }
      at = (ObjectNode) next;
    }
    at.set(path.get(path.size() - 1), value);
  }
}
