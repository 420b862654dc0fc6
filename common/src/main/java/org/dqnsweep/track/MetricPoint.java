package org.dqnsweep.track;

/**
 * One point of a metric's history, as MLflow stores it.
 *
 * @param step the agent step it belongs to
 * @param timestampMillis wall-clock time it was measured
 */
public record MetricPoint(String key, double value, long step, long timestampMillis) {}
