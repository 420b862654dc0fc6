package org.dqnsweep.track;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Sends one batch of a run's metrics, params and tags to the tracking server, within its per-request limits. */
public interface BatchSender {
  void send(String runId, List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags)
      throws IOException;
}
