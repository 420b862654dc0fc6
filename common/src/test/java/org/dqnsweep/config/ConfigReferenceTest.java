package org.dqnsweep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/config.md is generated from the config records: each key's meaning is its record's {@code @param} text, its
 * default the value of {@link TrialConfig#ORIGINAL_SCRIPT}, so a key is documented once, in its record. This test
 * fails when the page and the records disagree; {@code bin/test -pl common -Dtest=ConfigReferenceTest
 * -Ddqn.regenerate=true} rewrites the page.
 */
class ConfigReferenceTest {
  private static final Path HOME = Path.of(System.getProperty("dqn.home", "..")).toAbsolutePath().normalize();
  private static final Path PAGE = HOME.resolve("docs/config.md");
  private static final Path SOURCES = HOME.resolve("common/src/main/java/org/dqnsweep/config");
  private static final Pattern PARAM = Pattern.compile("^\\s*\\* @param (\\w+) (.*)$");
  private static final Pattern CONTINUATION = Pattern.compile("^\\s*\\*\\s{4,}(\\S.*)$");
  private static final Pattern SUMMARY = Pattern.compile("/\\*\\*\\s*\\n((?:\\s*\\*(?! @).*\\n)+)");

  @Test
  void theConfigReferenceIsGeneratedFromTheRecords() throws IOException {
    String generated = reference();
    if (Boolean.getBoolean("dqn.regenerate")) {
      Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
    }
    assertTrue(Files.exists(PAGE), "no " + PAGE + ": run with -Ddqn.regenerate=true");
    assertEquals(generated, Files.readString(PAGE), "docs/config.md is out of date with the config records: "
        + "bin/test -pl common -Dtest=ConfigReferenceTest -Ddqn.regenerate=true");
  }

  static String reference() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Trial configuration\n\n")
        .append("Every key of a trial config (`bin/dqn train --config`, a sweep's `base`), its default and its ")
        .append("meaning. A key missing from a file takes the default shown here (the original DQN Pong script's ")
        .append("setting); presets in `conf/trials/` name their sources. Step-like keys name their unit. Bad ")
        .append("values are refused before anything runs, naming the key path and the fix. Override any key with ")
        .append("`--set key.path=value`.\n\n")
        .append("This page is generated from the records in `common/src/main/java/org/dqnsweep/config/` ")
        .append("(`ConfigReferenceTest`); edit their javadoc, not this page.\n");
    Map<String, Object> defaults = Configs.toMap(TrialConfig.ORIGINAL_SCRIPT);
    Map<String, String> top = params(TrialConfig.class);
    md.append("\n## seed\n\n| key | default | meaning |\n|---|---|---|\n");
    md.append(row("seed", defaults.get("seed"), top.get("seed"), long.class));
    for (RecordComponent section : TrialConfig.class.getRecordComponents()) {
      if (!section.getType().isRecord()) {
        continue;
      }
      String name = Configs.key(section);
      @SuppressWarnings("unchecked")
      Map<String, Object> values = (Map<String, Object>) defaults.get(name);
      md.append("\n## ").append(name).append("\n\n").append(summary(section.getType())).append("\n\n");
      md.append("| key | default | meaning |\n|---|---|---|\n");
      Map<String, String> docs = params(section.getType());
      for (RecordComponent c : section.getType().getRecordComponents()) {
        String doc = docs.get(c.getName());
        assertTrue(doc != null, section.getType().getSimpleName() + "." + c.getName() + " has no @param");
        md.append(row(name + "." + Configs.key(c), values.get(Configs.key(c)), doc, c.getType()));
      }
    }
    return md.toString();
  }

  private static String row(String key, Object value, String doc, Class<?> type) {
    String words = type.isEnum() ? (doc.endsWith(".") ? "" : ".") + " One of: " + Arrays.stream(type.getEnumConstants())
        .map(e -> "`" + Configs.word((Enum<?>) e) + "`").collect(Collectors.joining(", ")) + "." : "";
    String shown = value == null ? "unset" : value instanceof Double d && d.isInfinite() ? (d > 0 ? ".inf" : "-.inf")
        : String.valueOf(value).replace("E-", "e-");
    return "| `" + key + "` | `" + shown + "` | " + doc.replace("|", "\\|") + words + " |\n";
  }

  /** The {@code @param} texts of a record's javadoc, by component name (continuation lines joined). */
  private static Map<String, String> params(Class<?> record) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    String current = null;
    for (String line : javadoc(record).split("\n")) {
      Matcher p = PARAM.matcher(line);
      Matcher c = CONTINUATION.matcher(line);
      if (p.matches()) {
        current = p.group(1);
        out.put(current, text(p.group(2)));
      } else if (current != null && c.matches()) {
        out.put(current, out.get(current) + " " + text(c.group(1)));
      } else {
        current = null;
      }
    }
    return out;
  }

  private static String summary(Class<?> record) throws IOException {
    Matcher m = SUMMARY.matcher(javadoc(record) + "\n");
    assertTrue(m.find(), record.getSimpleName() + " has no summary");
    List<String> lines = new ArrayList<>();
    for (String l : m.group(1).split("\n")) {
      String t = l.replaceFirst("^\\s*\\*\\s?", "").strip();
      if (t.isEmpty()) {
        break;
      }
      lines.add(t);
    }
    return text(String.join(" ", lines));
  }

  /** The javadoc block just before the record's declaration. */
  private static String javadoc(Class<?> record) throws IOException {
    String src = Files.readString(SOURCES.resolve(record.getSimpleName() + ".java"));
    int decl = src.indexOf("public record " + record.getSimpleName());
    int start = src.lastIndexOf("/**", decl);
    return src.substring(start, src.indexOf("*/", start));
  }

  /** Javadoc inline tags as Markdown. */
  private static String text(String javadoc) {
    return javadoc.replaceAll("\\{@code ([^}]*)}", "`$1`").replaceAll("\\{@link (?:[\\w.]+\\.)?(\\w+)}", "`$1`")
        .strip();
  }
}
