package org.dqnsweep.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.Map;

/** Reads YAML config files into trees and writes resolved configs back as YAML. */
public final class Yaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(
      YAMLFactory.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());

  private Yaml() {}

  public static JsonNode read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "file not found; check the path (relative paths start at "
          + Path.of("").toAbsolutePath() + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return parse(text, file.toString());
  }

  public static JsonNode parse(String text, String source) {
    try {
      JsonNode n = MAPPER.readTree(quoteInfinities(text));
      return n == null ? MAPPER.createObjectNode() : n;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new ConfigException(source, "malformed YAML" + where + ": " + e.getOriginalMessage());
    }
  }

  /**
   * Jackson 2.21's YAML parser rejects YAML's {@code .inf} ("Malformed numeric value"), so bare infinities become
   * strings, which the config reader takes as numbers.
   */
  static String quoteInfinities(String text) {
    return INFINITY.matcher(text).replaceAll("$1'$2'");
  }

  private static final Pattern INFINITY =
      Pattern.compile("(?m)(^|[:\\[,]\\s*)([+-]?\\.(?:inf|Inf|INF))(?=\\s*(?:$|[,\\]#]))");

  public static String write(Map<String, ?> tree) {
    return writeValue(tree);
  }

  public static String write(JsonNode tree) {
    return writeValue(tree);
  }

  private static String writeValue(Object tree) {
    try {
      return MAPPER.writeValueAsString(tree).replaceFirst("^---\\s*\\n", "");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render config as YAML", e);
    }
  }
}
