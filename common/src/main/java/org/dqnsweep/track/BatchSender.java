package org.dqnsweep.track;

import java.io.IOException;
import java.util.List;

/** Sends a run's metric points to the tracking server, in requests within its limits. */
public interface BatchSender {
  void logMetrics(String runId, List<MetricPoint> points) throws IOException;
}
