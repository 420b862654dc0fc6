package org.dqnsweep.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

  @Test
  void onlyWholeInfinityValuesAreQuoted() {
    assertEquals("a: '.inf'\nb: ['-.inf', 2]\nc: x.inf\nd: '.inf'\n",
        Yaml.quoteInfinities("a: .inf\nb: [-.inf, 2]\nc: x.inf\nd: '.inf'\n"));
  }
}
