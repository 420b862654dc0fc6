package org.dqnsweep.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dqnsweep.config.Yaml;

/**
 * What a resume may change in a trial's config: {@code trainer.*} (budget and cadence) and the settings listed in
 * {@link #CHANGEABLE}, which act only through the optimizer's step size, the Bellman target, the target sync cadence
 * and the epsilon schedule, none of which is part of the saved state (what population-based training changes
 * between generations). Anything else would resume a different trial.
 */
public final class ResumableSettings {
  /** Key paths or whole sections a resume may change besides {@code trainer.*}. */
  public static final List<String> CHANGEABLE = List.of("learner.lr", "learner.adam_eps", "learner.gamma",
      "learner.target_sync_every_updates", "exploration");

  private ResumableSettings() {}

  /** A setting a resume changed: its key path, and its value in the checkpoint and now (YAML scalars). */
  public record Change(String key, String before, String after) {}

  /** A checkpoint that this config cannot resume: a user's mistake, not a broken file. */
  public static final class Mismatch extends IOException {
    Mismatch(String message) {
      super(message);
    }
  }

  /** Whether a resume may change {@code keyPath} (a dotted trial-config key). */
  public static boolean changeable(String keyPath) {
    return keyPath.startsWith("trainer.")
        || CHANGEABLE.stream().anyMatch(k -> keyPath.equals(k) || keyPath.startsWith(k + "."));
  }

  /**
   * The changes from the config a checkpoint was written with ({@code saved}) to {@code now} (both as written by
   * the trainer: YAML of the config without {@code trainer}); an error naming every other difference.
   */
  static List<Change> changes(String saved, String now) throws IOException {
    if (saved.equals(now)) {
      return List.of();
    }
    Map<String, JsonNode> before = leaves(Yaml.parse(saved, "the checkpoint's config"));
    Map<String, JsonNode> after = leaves(Yaml.parse(now, "the config"));
    Set<String> keys = new LinkedHashSet<>(before.keySet());
    keys.addAll(after.keySet());
    List<String> fixed = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    for (String k : keys) {
      String b = text(before.get(k));
      String a = text(after.get(k));
      if (!b.equals(a)) {
        if (changeable(k)) {
          changes.add(new Change(k, b, a));
        } else {
          fixed.add(k + ": " + b + " in the checkpoint, " + a + " now");
        }
      }
    }
    if (!fixed.isEmpty()) {
      throw new Mismatch("the checkpoint was written with another config (" + String.join("; ", fixed)
          + "); a resume may change only trainer.* and " + String.join(", ", CHANGEABLE)
          + ". Resume with the checkpoint's settings, or train into a new output folder");
    }
    return List.copyOf(changes);
  }

  private static Map<String, JsonNode> leaves(JsonNode tree) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    collect("", tree, out);
    return out;
  }

  private static void collect(String prefix, JsonNode node, Map<String, JsonNode> out) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
          e.getValue(), out));
    } else {
      out.put(prefix, node);
    }
  }

  private static String text(JsonNode v) {
    return v == null ? "(absent)" : v.isValueNode() ? v.asText() : v.toString();
  }
}
