package org.dqnsweep.jobs.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.dqnsweep.io.ParquetTable;
import org.dqnsweep.jobs.TinySweeps;
import org.dqnsweep.util.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep on a real standalone cluster (master + 2 workers on 127.0.0.1, 2 fake GPU addresses each, from the
 * venv's pyspark), submitted with that distribution's spark-submit and the fat jar: every trial records the GPU
 * address Spark gave its task and falls back to CPU (no CUDA here); an exception in one trial and a halted
 * executor JVM under another are retried with exactly-once rows. Runs in {@code mvn verify}, after
 * {@code package} has built the fat jar.
 */
class SweepClusterIT {
  private static final Configuration CONF = new Configuration();

  @Test
  void sweepRunsOnTheClusterWithGpuSharesAndRetries(@TempDir Path dir) throws Exception {
    String grid = "name: cluster\n" + TinySweeps.cartPoleBase(600, 200, 0) + """
        grid:
          learner.lr: [1.0e-3, 3.0e-4]
        seeds: [1, 2]
        """;
    List<PlannedTrial> plan = SweepPlanner.plan(SweepSpec.parse(grid, "test", dir, List.of()));
    String flaky = plan.get(0).trialId();
    String killed = plan.get(1).trialId(); // its executor dies mid-trial, with whatever else ran there
    Path spec = dir.resolve("cluster.yaml");
    Files.writeString(spec, grid + "faults:\n  - {trial: " + flaky + ", fail_at_step: 450, times: 1}\n"
        + "  - {trial: " + killed + ", fail_at_step: 350, times: 1, kill_executor: true}\n");
    Path out = dir.resolve("out");

    try (StandaloneCluster cluster = StandaloneCluster.start(2)) {
      StandaloneCluster.Result r = cluster.submit(List.of(
          "--conf", "spark.executor.resource.gpu.amount=1",
          "--conf", "spark.task.resource.gpu.amount=0.5", // two trials share each GPU address
          "--conf", "spark.executor.cores=2",
          "--conf", "spark.executor.memory=1g",
          "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
          "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
          "--conf", "spark.driver.extraJavaOptions=-Dai.djl.offline=true",
          "--conf", "spark.executor.extraJavaOptions=-Dai.djl.offline=true",
          "--conf", "spark.executorEnv.MKL_CBWR=AUTO,STRICT",
          "--conf", "spark.executorEnv.GLIBC_TUNABLES=" + Torch.MALLOC_TUNABLES,
          "--class", "org.dqnsweep.jobs.SweepJob", cluster.fatJar().toString(),
          spec.toString(), "--output", out.toString(), "--progress-seconds", "2"), Duration.ofMinutes(8));
      assertEquals(0, r.exitCode(), r::output);
      assertTrue(r.stdout().contains("master spark://127.0.0.1"), r::output);
      assertTrue(r.stdout().contains("4 finished, 0 failed"), r::output);
    }

    Path root;
    try (var s = Files.list(out)) {
      root = s.findFirst().orElseThrow();
    }
    Map<String, Group> trials = new HashMap<>();
    for (PlannedTrial t : plan) {
      List<Group> rows = ParquetTable.read(CONF, hadoop(root.resolve("trials/trial_id=" + t.trialId())));
      assertEquals(1, rows.size(), t.trialId());
      trials.put(t.trialId(), rows.get(0));
    }
    Set<String> addresses = new HashSet<>();
    for (Group g : trials.values()) {
      assertEquals("FINISHED", g.getString("status", 0));
      String address = g.getString("gpu_address", 0);
      assertTrue(address.matches("[01]"), "a fake GPU address from the discovery script: " + address);
      addresses.add(address);
      assertEquals("cpu()", g.getString("device", 0), "no CUDA here: trained on CPU");
      assertTrue(g.getString("device_note", 0).contains("Spark assigned GPU " + address), g.toString());
    }
    assertTrue(addresses.size() >= 1);
    // a trial that shared the killed executor was retried too, so attempts are at least 1, not exactly 1
    assertTrue(trials.get(flaky).getLong("attempt", 0) >= 1, "the flaky trial finished on a retry");
    assertTrue(trials.get(killed).getLong("attempt", 0) >= 1, "the killed executor's trial finished on a retry");

    for (PlannedTrial t : plan) {
      List<Group> steps = ParquetTable.read(CONF, hadoop(root.resolve("transitions/trial_id=" + t.trialId())));
      Set<Long> distinct = new HashSet<>();
      steps.forEach(g -> distinct.add(g.getLong("step", 0)));
      assertEquals(600, steps.size(), t.trialId());
      assertEquals(600, distinct.size(), "exactly one row per step after retries: " + t.trialId());
    }
  }

  private static org.apache.hadoop.fs.Path hadoop(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }
}
