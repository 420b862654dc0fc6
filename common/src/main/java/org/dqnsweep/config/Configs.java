package org.dqnsweep.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads config records from YAML mappings and writes them back, by their components: a component {@code fooBar}
 * is the key {@code foo_bar}; a missing key takes the value of the record's named defaults; nested records are
 * nested mappings. Each record validates itself in its constructor, so reading, {@code --set} overrides and sweeps
 * all pass through the same checks.
 */
public final class Configs {
  private Configs() {}

  /** Reads {@code node} as a {@code type} record, missing keys from {@code defaults}; rejects unknown keys. */
  public static <R extends Record> R read(ConfigNode node, Class<R> type, R defaults) {
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      values[i] = readValue(node, key(c), c, get(c, defaults));
    }
    node.finish();
    try {
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      return ctor.newInstance(values);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("config record " + type.getSimpleName() + " cannot be built", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Object readValue(ConfigNode node, String key, RecordComponent c, Object def) {
    Class<?> t = c.getType();
    if (t == int.class) {
      return node.getInt(key, (Integer) def);
    } else if (t == long.class) {
      return node.getLong(key, (Long) def);
    } else if (t == double.class) {
      return node.getDouble(key, (Double) def);
    } else if (t == boolean.class) {
      return node.getBool(key, (Boolean) def);
    } else if (t == String.class) {
      return node.getString(key, (String) def);
    } else if (t.isEnum()) {
      return readEnum(node, key, (Class<? extends Enum<?>>) t, (Enum<?>) def);
    } else if (t == DeviceSetting.class) {
      String word = node.getString(key, null);
      try {
        return word == null ? def : DeviceSetting.parse(word);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(node.keyPath(key), e.getMessage());
      }
    } else if (t == List.class && ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0] == Integer.class) {
      return node.getIntList(key, (List<Integer>) def);
    } else if (Record.class.isAssignableFrom(t)) {
      return read(node.child(key), (Class<Record>) t, (Record) def);
    }
    throw new IllegalStateException("unsupported config component type " + t + " for " + node.keyPath(key));
  }

  /** A closed set of words: the constant whose lower-case name is the value, else an error listing them all. */
  private static Enum<?> readEnum(ConfigNode node, String key, Class<? extends Enum<?>> type, Enum<?> def) {
    String text = node.getString(key, def == null ? null : word(def));
    if (text == null) {
      return null;
    }
    try {
      return fromWord(text, type.getEnumConstants());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(node.keyPath(key), e.getMessage());
    }
  }

  /** The constant among {@code allowed} whose word is {@code text}, else an error listing their words. */
  public static <E extends Enum<?>> E fromWord(String text, E[] allowed) {
    List<String> words = new java.util.ArrayList<>();
    for (E e : allowed) {
      if (word(e).equals(text.trim().toLowerCase(java.util.Locale.ROOT))) {
        return e;
      }
      words.add(word(e));
    }
    throw new IllegalArgumentException("expected " + String.join(", ", words.subList(0, words.size() - 1))
        + (words.size() > 1 ? " or " : "") + words.get(words.size() - 1) + ", got '" + text + "'");
  }

  /** The YAML word of a config enum constant: its name in lower case ({@code NATURE_CNN -> nature_cnn}). */
  public static String word(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The record as nested maps under its YAML keys, in declaration order (for printing and params). */
  public static Map<String, Object> toMap(Record r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      Object v = get(c, r);
      m.put(key(c), v instanceof DeviceSetting d ? d.toString() : v instanceof Record nested ? toMap(nested)
          : v instanceof Enum<?> e ? word(e) : v);
    }
    return m;
  }

  /** {@code a.b.c -> value} for every leaf of a nested map (MLflow params, Parquet columns). */
  public static Map<String, Object> flatten(Map<String, Object> tree) {
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", tree, flat);
    return flat;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
    for (Map.Entry<String, Object> e : tree.entrySet()) {
      String k = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof Map<?, ?> m) {
        flatten(k, (Map<String, Object>) m, out);
      } else {
        out.put(k, e.getValue());
      }
    }
  }

  static String key(RecordComponent c) {
    return c.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static Object get(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
