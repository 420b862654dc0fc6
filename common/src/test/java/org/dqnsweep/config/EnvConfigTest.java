package org.dqnsweep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EnvConfigTest {

  private static EnvConfig parse(String yaml) {
    ConfigNode root = new ConfigNode(Yaml.parse(yaml, "test.yaml"), "");
    EnvConfig c = Configs.read(root.child("env"), EnvConfig.class, EnvConfig.ORIGINAL_SCRIPT);
    root.finish();
    return c;
  }

  @Test
  void emptyMappingGivesTheOriginalScript() {
    assertEquals(EnvConfig.ORIGINAL_SCRIPT, parse("env: {}"));
    assertEquals(1, EnvConfig.ORIGINAL_SCRIPT.frameStack());
    assertEquals(400_000, EnvConfig.ORIGINAL_SCRIPT.maxEpisodeFrames());
  }

  @Test
  void keysOverrideDefaults() {
    EnvConfig c = parse("env:\n  game: breakout\n  frame_stack: 4\n  max_episode_frames: 1e5\n");
    assertEquals("breakout", c.game());
    assertEquals(4, c.frameStack());
    assertEquals(100_000, c.maxEpisodeFrames());
  }

  @Test
  void unknownKeyIsNamedWithASuggestion() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("env:\n  frame_skp: 4\n"));
    assertEquals("env.frame_skp", e.keyPath());
    assertTrue(e.getMessage().contains("did you mean 'frame_skip'"), e.getMessage());
  }

  @Test
  void unknownTopLevelKeyIsNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("env: {}\nenvv: {}\n"));
    assertEquals("envv", e.keyPath());
  }

  @Test
  void impossibleValuesNameTheKeyAndTheRange() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("env:\n  frame_skip: 0\n"));
    assertEquals("env.frame_skip", e.keyPath());
    assertTrue(e.getMessage().contains("[1, 64]"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> parse("env:\n  repeat_action_probability: 1.5\n"));
    assertEquals("env.repeat_action_probability", e.keyPath());
  }

  @Test
  void wrongTypesAreNamed() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("env:\n  frame_stack: four\n"));
    assertEquals("env.frame_stack", e.keyPath());
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> parse("env:\n  clip_rewards: [1]\n"));
    assertEquals("env.clip_rewards", e.keyPath());
    e = assertThrows(ConfigException.class, () -> parse("env: 3\n"));
    assertEquals("env", e.keyPath());
  }

  @Test
  void malformedYamlSaysWhere() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("env:\n  game: [pong\n"));
    assertTrue(e.getMessage().contains("malformed YAML at line"), e.getMessage());
  }

  @Test
  void missingFileSaysSo() {
    ConfigException e = assertThrows(ConfigException.class, () -> Yaml.read(Path.of("no/such/file.yaml")));
    assertTrue(e.getMessage().contains("file not found"), e.getMessage());
  }

  @Test
  void printsAsYamlUnderItsKeys() {
    String yaml = Yaml.write(Configs.toMap(EnvConfig.ORIGINAL_SCRIPT));
    assertTrue(yaml.contains("frame_skip: 4"), yaml);
    assertEquals(EnvConfig.ORIGINAL_SCRIPT, parse("env:\n" + yaml.replaceAll("(?m)^", "  ")));
  }
}
