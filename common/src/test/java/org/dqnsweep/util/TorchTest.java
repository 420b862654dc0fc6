package org.dqnsweep.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The malloc setting that CPU training relies on reaches every way the project starts a JVM. */
class TorchTest {
  private static final Path HOME = Path.of(System.getProperty("dqn.home", ".."));

  @Test
  void everyLauncherSetsTheMallocTunables() throws IOException {
    for (String file : List.of("bin/dqn", "pom.xml", "conf/spark/spark-defaults-local.conf",
        "conf/spark/spark-defaults-gpu.conf")) {
      assertTrue(Files.readString(HOME.resolve(file)).contains(Torch.MALLOC_TUNABLES),
          file + " does not set GLIBC_TUNABLES=" + Torch.MALLOC_TUNABLES);
    }
  }

  @Test
  void hintOnlyForCpuRunsWithoutTheSetting() {
    assertEquals(Optional.empty(), Torch.mallocHint(Device.cpu()), "surefire sets GLIBC_TUNABLES");
    assertEquals(Optional.empty(), Torch.mallocHint(Device.gpu(0)));
  }
}
