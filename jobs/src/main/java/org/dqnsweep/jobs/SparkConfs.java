package org.dqnsweep.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Spark settings every job shares: the master spark-submit gives, else embedded local mode on the loopback
 * interface; Spark's console progress bar off (the jobs print their own progress).
 */
public final class SparkConfs {
  private SparkConfs() {}

  /** Whether spark-submit (or the caller's spark.master) chose a master. */
  static boolean submitted() {
    return new SparkConf().contains("spark.master");
  }

  /**
   * @param localMaster the master in local mode, e.g. {@code local[2,4]}
   */
  static SparkConf of(String appName, String localMaster) {
    SparkConf conf = new SparkConf().setAppName(appName).set("spark.ui.showConsoleProgress", "false");
    if (!conf.contains("spark.master")) {
      conf.setMaster(localMaster).set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    }
    return conf;
  }

  /** The driver's Hadoop settings with the job's {@code spark.hadoop.*} ones, as tasks see them. */
  public static Configuration hadoop(SparkConf conf) {
    Configuration hadoop = new Configuration();
    for (Tuple2<String, String> kv : conf.getAllWithPrefix("spark.hadoop.")) {
      hadoop.set(kv._1(), kv._2());
    }
    return hadoop;
  }
}
