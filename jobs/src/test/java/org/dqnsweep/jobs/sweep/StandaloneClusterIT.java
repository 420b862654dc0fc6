package org.dqnsweep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The cluster set-up end to end, on a real standalone cluster (2 workers, 2 fake GPUs each): the fat jar reaches
 * the executors, DJL loads libtorch from it offline, and Spark hands out GPU shares. Runs in {@code mvn verify}
 * (failsafe), after {@code package} has built the fat jar and the test jar.
 */
class StandaloneClusterIT {
  private static final Pattern LINE = Pattern.compile(
      "probe task=(\\d+) gpu=(\\S+) executor=(\\S+) pid=\\d+ sum=(\\S+) engine=PyTorch:\\S+");

  @Test
  void probeGetsGpuSharesAndRunsDjlOnExecutors() throws Exception {
    try (StandaloneCluster cluster = StandaloneCluster.start(2)) {
      StandaloneCluster.Result result = cluster.submit(List.of(
          "--conf", "spark.executor.resource.gpu.amount=1",
          // Two tasks per GPU address.
          "--conf", "spark.task.resource.gpu.amount=0.5",
          "--conf", "spark.executor.cores=2",
          "--conf", "spark.executor.memory=1g",
          // Tasks start only once both executors are up, so each gets two of the four.
          "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
          "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
          "--conf", "spark.driver.extraJavaOptions=-Dai.djl.offline=true",
          "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true",
          // The probe is a test class, so it comes in the test jar; the fat jar brings DJL and libtorch.
          "--jars", cluster.fatJar().toString(),
          "--class", ClusterProbe.class.getName(),
          cluster.testJar().toString(), "4"), Duration.ofMinutes(5));
      assertEquals(0, result.exitCode(), result::output);

      List<String> lines = result.lines("probe ");
      assertEquals(4, lines.size(), result::output);
      Map<String, Integer> tasksPerShare = new HashMap<>();
      for (String line : lines) {
        Matcher m = LINE.matcher(line);
        assertTrue(m.matches(), () -> "unexpected probe line: " + line);
        assertTrue(m.group(2).matches("[01]"), () -> "one fake GPU address per task, got: " + line);
        assertEquals("6.0", m.group(4), line);
        tasksPerShare.merge(m.group(3) + "/gpu" + m.group(2), 1, Integer::sum);
      }
      // Each executor holds one GPU address, and its two tasks share it (0.5 each).
      assertEquals(List.of(2, 2), tasksPerShare.values().stream().sorted().collect(Collectors.toList()),
          () -> "tasks per executor/address: " + tasksPerShare + "\n" + result.output());
    }
  }
}
