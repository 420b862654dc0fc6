package org.dqnsweep.jobs;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.dqnsweep.config.ConfigException;
import org.dqnsweep.jobs.sweep.MlflowSync;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dqn mlflow-sync OUTPUT/<sweep_id>}: re-logs a sweep's missing MLflow runs and points from its tables. */
@Command(name = "mlflow-sync", mixinStandardHelpOptions = true,
    description = {"Log to MLflow whatever of a sweep it is missing (runs, metric points, end statuses), from the "
        + "sweep's Parquet tables: after an MLflow outage, or for a sweep run without tracking. Idempotent."})
public final class MlflowSyncCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SWEEP", description = "A sweep's folder or URI: OUTPUT/<sweep_id>.")
  String sweep;

  @Option(names = "--tracking-uri", description = "MLflow tracking server (default: MLFLOW_TRACKING_URI; else "
      + "the local server, started if needed).")
  String trackingUri;

  @Override
  public Integer call() throws Exception {
    String uri = MlflowUiCommand.trackingUri(trackingUri, true);
    if (uri == null) {
      throw new ConfigException("--tracking-uri", "mlflow-sync logs to a tracking server: give its URI, not none");
    }
    new MlflowSync(new Configuration(), new Path(sweep), System.out).run(uri);
    return 0;
  }
}
