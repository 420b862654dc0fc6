package org.dqnsweep.jobs.sweep;

/**
 * An injected failure, for tests of retry and resume: trial {@code trial} throws at agent step {@code failAtStep},
 * the first {@code times} times it gets there, or with {@code killExecutor} halts its executor's JVM there (a lost
 * executor, as after an out-of-memory kill; cluster only). A {@code permanent} fault is one no retry can cure (as a
 * bad ROM or config): the trial ends FAILED at its first attempt.
 */
public record Fault(String trial, long failAtStep, int times, boolean killExecutor, boolean permanent)
    implements java.io.Serializable {}
