package org.dqnsweep.config;

/**
 * Marks a failure that would happen again on every retry (a bad config, a missing ROM, a diverged loss): a sweep
 * ends such a trial at once as FAILED with its reason instead of letting Spark retry it.
 */
public interface NotRetryable {}
