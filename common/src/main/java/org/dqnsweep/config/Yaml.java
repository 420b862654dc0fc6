package org.dqnsweep.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads YAML config files into trees and writes resolved configs back as YAML. */
public final class Yaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(
      YAMLFactory.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Yaml() {}

  /**
   * Reads a YAML file, refusing with the key path {@code file} anything that is not one: a missing file, a folder,
   * an unreadable file, bytes that are not UTF-8 text, and mappings that give a key twice.
   */
  public static JsonNode read(Path file) {
    String where = file.toString();
    if (Files.isDirectory(file)) {
      throw new ConfigException(where, "is a folder, not a YAML file; name a file such as " + file.resolve("x.yaml")
          .getFileName() + " inside it");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(where, "file not found; check the path (relative paths start at "
          + Path.of("").toAbsolutePath() + ")");
    } catch (AccessDeniedException e) {
      throw new ConfigException(where, "cannot be read (permission denied); fix its permissions or copy it");
    } catch (IOException e) {
      throw new ConfigException(where, "cannot be read (" + e.getMessage() + ")");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(where, "is not UTF-8 text (a binary file?); give a YAML config or spec file");
    }
    if (text.indexOf('\0') >= 0) {
      throw new ConfigException(where, "holds NUL bytes (a binary file?); give a YAML config or spec file");
    }
    return parse(text, where);
  }

  /** Parses YAML text; {@code source} names it in errors (a file, or {@code --set key=value}). */
  public static JsonNode parse(String text, String source) {
    try {
      JsonNode n = MAPPER.readTree(quoteInfinities(text));
      return n == null ? MAPPER.createObjectNode() : n;
    } catch (JsonProcessingException e) {
      String duplicate = duplicateKey(e, text);
      if (duplicate != null) {
        throw new ConfigException(source, duplicate);
      }
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new ConfigException(source, "malformed YAML" + where + ": " + e.getOriginalMessage());
    }
  }

  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

  /** For a mapping that gives a key twice: the message naming the key and both lines, else null. */
  private static String duplicateKey(JsonProcessingException e, String text) {
    Matcher m = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
    if (!m.find()) {
      return null;
    }
    String key = m.group(1);
    int second = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
    Pattern keyAt = Pattern.compile("(^|[{,]|^\\s*-)\\s*['\"]?" + Pattern.quote(key) + "['\"]?\\s*:");
    String[] lines = text.split("\n", -1);
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < lines.length && (second < 0 || i < second); i++) {
      if (keyAt.matcher(lines[i]).find()) {
        at.add(i + 1);
      }
    }
    String where = at.size() >= 2 ? " (lines " + at.get(at.size() - 2) + " and " + at.get(at.size() - 1) + ")"
        : second > 0 ? " (the second at line " + second + ")" : "";
    return "key '" + key + "' is given twice in one mapping" + where + "; keep one (YAML would silently take the "
        + "last)";
  }

  /**
   * Jackson 2.21's YAML parser rejects YAML's {@code .inf} and {@code .nan} ("Malformed numeric value"), so they
   * become strings: the config reader takes infinities as numbers and refuses NaN by key path.
   */
  static String quoteInfinities(String text) {
    return INFINITY.matcher(text).replaceAll("$1'$2'");
  }

  private static final Pattern INFINITY =
      Pattern.compile("(?m)(^|[:\\[,]\\s*)([+-]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))(?=\\s*(?:$|[,\\]#]))");

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
