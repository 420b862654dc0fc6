package org.dqnsweep.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One YAML mapping being read into a config record. Every getter records the key it read, so that
 * {@link #finish()} can reject keys nobody asked for (typos) with the list of known keys. Type errors name the
 * full key path.
 */
public final class ConfigNode {
  private final ObjectNode node;
  private final String path;
  private final Set<String> known = new LinkedHashSet<>();

  public ConfigNode(JsonNode node, String path) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      this.node = JsonNodeFactory.instance.objectNode();
    } else if (node.isObject()) {
      this.node = (ObjectNode) node;
    } else {
      throw new ConfigException(displayPath(path), "expected a mapping of keys to values, got " + describe(node));
    }
    this.path = path;
  }

  /** The key path of a child key, for messages: {@code env.frame_skip}. */
  public String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public ConfigNode child(String key) {
    known.add(key);
    return new ConfigNode(node.get(key), keyPath(key));
  }

  public boolean has(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  public int getInt(String key, int defaultValue) {
    long v = getLong(key, defaultValue);
    ConfigException.require(v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE, keyPath(key),
        "value " + v + " is too large; use a number below " + Integer.MAX_VALUE);
    return (int) v;
  }

  public long getLong(String key, long defaultValue) {
    JsonNode v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue()) && Math.abs(v.doubleValue()) < 9e15) {
      return (long) v.doubleValue(); // 1e6 written in YAML arrives as a float
    }
    if (v.isTextual()) {
      String text = v.textValue().replace("_", "").trim();
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        try {
          double d = Double.parseDouble(text); // 1e6 is a string to YAML 1.1
          if (d == Math.rint(d) && Math.abs(d) < 9e15) {
            return (long) d;
          }
        } catch (NumberFormatException notANumber) {
          // falls through to the error below
        }
      }
    }
    throw new ConfigException(keyPath(key), "expected a whole number, got " + describe(v));
  }

  public double getDouble(String key, double defaultValue) {
    JsonNode v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.isNumber() && !Double.isNaN(v.doubleValue())) {
      return v.doubleValue();
    }
    if (v.isTextual() || v.isNumber()) {
      String text = v.asText().replace("_", "").trim().toLowerCase(java.util.Locale.ROOT);
      if (text.matches("[+-]?\\.?nan")) {
        throw new ConfigException(keyPath(key), "is not a number (" + v.asText() + "); give a number");
      }
      if (text.matches("\\+?\\.?inf(inity)?")) {
        return Double.POSITIVE_INFINITY;
      }
      if (text.matches("-\\.?inf(inity)?")) {
        return Double.NEGATIVE_INFINITY;
      }
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new ConfigException(keyPath(key), "expected a number (or .inf), got " + describe(v));
  }

  public boolean getBool(String key, boolean defaultValue) {
    JsonNode v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    throw new ConfigException(keyPath(key), "expected true or false, got " + describe(v));
  }

  public String getString(String key, String defaultValue) {
    JsonNode v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v.isValueNode() && !v.isBinary()) {
      return v.asText();
    }
    throw new ConfigException(keyPath(key), "expected a single value, got " + describe(v));
  }

  public List<Integer> getIntList(String key, List<Integer> defaultValue) {
    JsonNode v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (!v.isArray()) {
      throw new ConfigException(keyPath(key), "expected a list of whole numbers such as [64, 64], got " + describe(v));
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isIntegralNumber() || !e.canConvertToInt()) {
        throw new ConfigException(keyPath(key), "expected a list of whole numbers, got an element " + describe(e));
      }
      out.add(e.intValue());
    }
    return out;
  }

  /** Rejects any key of this mapping that no getter asked for, suggesting the closest known key. */
  public void finish() {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      String k = unknown.get(0);
      String hint = closest(k);
      throw new ConfigException(keyPath(k), "unknown key"
          + (hint == null ? "" : "; did you mean '" + hint + "'?")
          + " Known keys " + (path.isEmpty() ? "at the top level" : "under " + path) + ": " + String.join(", ", known));
    }
  }

  private JsonNode value(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private String closest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = editDistance(key.toLowerCase(), k.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String displayPath(String path) {
    return path.isEmpty() ? "(top level)" : path;
  }

  private static String describe(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return "'" + v.asText() + "'";
  }
}
