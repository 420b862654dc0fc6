package org.dqnsweep.jobs.sweep;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.SparkSession;

/**
 * A throwaway spark-submit job that checks a cluster can run trials: each of N tasks (default 4) reads the GPU
 * addresses Spark gave it and does one DJL computation on the CPU, returning one line
 * {@code probe task=<i> gpu=<addresses> executor=<id> pid=<pid> sum=6.0 engine=PyTorch:<version>}, printed by the
 * driver. Used by {@link StandaloneClusterIT}; lives in the test jar, submitted with the fat jar in {@code --jars}.
 */
public final class ClusterProbe {
  private ClusterProbe() {}

  public static void main(String[] args) {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    SparkSession spark = SparkSession.builder().appName("dqn-cluster-probe").getOrCreate();
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<Integer> ids = IntStream.range(0, tasks).boxed().collect(Collectors.toList());
      List<String> lines = sc.parallelize(ids, tasks).map(ClusterProbe::probe).collect();
      lines.forEach(System.out::println);
    } finally {
      spark.stop();
    }
  }

  static String probe(int task) throws InterruptedException {
    ResourceInformation gpu = TaskContext.get().resourcesJMap().get("gpu");
    String addresses = gpu == null ? "none" : String.join(",", gpu.addresses());
    float sum;
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray array = manager.create(new float[] {1f, 2f, 3f});
      sum = array.sum().getFloat();
    }
    Engine engine = Engine.getInstance();
    // Long enough for the tasks to overlap, so the GPU shares are held at the same time.
    Thread.sleep(2000);
    return "probe task=" + task + " gpu=" + addresses + " executor=" + SparkEnv.get().executorId()
        + " pid=" + ManagementFactory.getRuntimeMXBean().getPid() + " sum=" + sum
        + " engine=" + engine.getEngineName() + ":" + engine.getVersion();
  }
}
