package org.dqnsweep.track;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;
import org.slf4j.Logger;

/**
 * Metric points of one run, sent from a bounded queue by a background thread in log-batch requests within
 * MLflow's limits (1000 metrics per request; a point is about 100 bytes, far under the 1 MB limit). Training never
 * waits on the server: {@link #add} drops the point (and counts it) when the queue is full, a failed request is
 * retried with exponential backoff while new points keep queueing, and {@link #close} flushes what it can before a
 * deadline. Points lost to an outage are restored from the Parquet tables by {@code bin/dqn mlflow-sync}.
 */
public final class AsyncBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncBatcher.class);

  private final String runId;
  private final BatchSender sender;
  private final BlockingQueue<MetricPoint> queue;
  private final Thread thread;
  private final Duration maxBackoff;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closing;
  private volatile long deadlineNanos = Long.MAX_VALUE;

  /**
   * @param capacity points held while the server is slow or down (beyond it, new points are dropped)
   * @param maxBackoff the longest wait between retries of a failed request
   */
  public AsyncBatcher(String runId, BatchSender sender, int capacity, Duration maxBackoff) {
    this.runId = runId;
    this.sender = sender;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBackoff = maxBackoff;
    this.thread = new Thread(this::loop, "mlflow-" + runId);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a point; never blocks. */
  public void add(MetricPoint p) {
    if (!queue.offer(p)) {
      if (dropped.getAndIncrement() == 0) {
        LOG.warn("MLflow run {}: the tracking server is not keeping up; dropping metric points from now on "
            + "(bin/dqn mlflow-sync restores them from the Parquet tables)", runId);
      }
    }
  }

  public long sent() {
    return sent.get();
  }

  public long dropped() {
    return dropped.get();
  }

  private void loop() {
    List<MetricPoint> batch = new ArrayList<>();
    long backoffMillis = 250;
    while (true) {
      try {
        if (batch.isEmpty()) {
          MetricPoint first = queue.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (closing) {
              return;
            }
            continue;
          }
          batch.add(first);
          queue.drainTo(batch, MlflowRuns.MAX_ENTRIES - 1);
        }
        try {
          sender.logMetrics(runId, batch);
          sent.addAndGet(batch.size());
          batch.clear();
          backoffMillis = 250;
        } catch (IOException | RuntimeException e) {
          if (System.nanoTime() > deadlineNanos) {
            dropped.addAndGet(batch.size() + queue.size());
            LOG.warn("MLflow run {}: {} metric points not sent before the shutdown deadline ({}); "
                + "bin/dqn mlflow-sync restores them", runId, batch.size() + queue.size(), e.getMessage());
            return;
          }
          LOG.warn("MLflow run {}: sending {} points failed ({}); retrying in {} ms", runId, batch.size(),
              e.getMessage(), backoffMillis);
          Thread.sleep(Math.min(backoffMillis, Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000)));
          backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Sends what is queued, waiting at most {@code deadline}; what is left then is dropped and counted. */
  public void close(Duration deadline) {
    deadlineNanos = System.nanoTime() + deadline.toNanos();
    closing = true;
    try {
      thread.join(Math.max(1, deadline.toMillis() + 1000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
