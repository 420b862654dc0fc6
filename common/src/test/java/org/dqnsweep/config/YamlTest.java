package org.dqnsweep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlTest {
  @Test
  void bareInfinitiesReachTheConfigAsNumbers() {
    TrialConfig c = TrialConfig.parse(Yaml.parse("trainer:\n  stop_mean10_above: .inf   # never\n", "test"),
        "test", List.of());
    assertEquals(Double.POSITIVE_INFINITY, c.trainer().stopMean10Above());
    TrialConfig set = TrialConfig.parse(Yaml.parse("{}", "test"), "test", List.of("trainer.stop_mean10_above=.inf"));
    assertEquals(Double.POSITIVE_INFINITY, set.trainer().stopMean10Above());
  }

  private static ConfigException refused(String yaml) {
    return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> TrialConfig.parse(Yaml.parse(yaml, "t.yaml"), "t.yaml", List.of()));
  }

  @Test
  void aKeyGivenTwiceIsRefusedWithBothLines() {
    ConfigException e = refused("seed: 1\nlearner:\n  lr: 1.0e-4\n  gamma: 0.9\n  lr: 3.0e-4\n");
    assertEquals("t.yaml: key 'lr' is given twice in one mapping (lines 3 and 5); keep one (YAML would silently "
        + "take the last)", e.getMessage());
  }

  @Test
  void notANumberAndInfinitiesWhereTheyMakeNoSenseAreRefusedByKeyPath() {
    assertEquals("learner.lr: is not a number (.nan); give a number", refused("learner:\n  lr: .nan\n").getMessage());
    assertTrue(refused("learner:\n  huber_delta: .inf\n").getMessage().startsWith("learner.huber_delta: must be a "
        + "finite number"));
    assertTrue(refused("learner:\n  lr: .inf\n").getMessage().startsWith("learner.lr: must be in (0, 1)"));
    assertTrue(refused("trainer:\n  max_agent_steps: 1.0e30\n").getMessage().startsWith(
        "trainer.max_agent_steps: expected a whole number"));
  }

  @Test
  void theDeviceIsAClosedSetOfWordsWithAGpuIndex() {
    TrialConfig c = TrialConfig.parse(Yaml.parse("trainer: {device: gpu:2}\n", "t.yaml"), "t.yaml", List.of());
    assertEquals(new DeviceSetting(DeviceSetting.Kind.GPU, 2), c.trainer().device());
    assertEquals("gpu:2", Configs.toMap(c.trainer()).get("device"), "written back as the word it was read from");
    assertEquals("trainer.device: expected auto, cpu, gpu or gpu:N, got 'tpu'",
        refused("trainer: {device: tpu}\n").getMessage());
  }

  @Test
  void filesThatAreNotYamlTextAreRefusedByName(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    java.nio.file.Path binary = java.nio.file.Files.write(dir.resolve("model.bin"), new byte[] {0x44, 0x51, 0, 1,
        (byte) 0xff, (byte) 0xfe});
    assertTrue(read(binary).contains("is not UTF-8 text"), read(binary));
    java.nio.file.Path nul = java.nio.file.Files.write(dir.resolve("nul.yaml"), new byte[] {'a', ':', ' ', 0});
    assertTrue(read(nul).contains("NUL bytes"), read(nul));
    assertTrue(read(dir).contains("is a folder"), read(dir));
    assertTrue(read(dir.resolve("missing.yaml")).contains("file not found"));
  }

  private static String read(java.nio.file.Path file) {
    return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> Yaml.read(file)).getMessage();
  }

  @Test
  void onlyWholeInfinityValuesAreQuoted() {
    assertEquals("a: '.inf'\nb: ['-.inf', 2]\nc: x.inf\nd: '.inf'\n",
        Yaml.quoteInfinities("a: .inf\nb: [-.inf, 2]\nc: x.inf\nd: '.inf'\n"));
  }
}
