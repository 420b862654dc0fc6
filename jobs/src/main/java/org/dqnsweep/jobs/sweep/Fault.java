package org.dqnsweep.jobs.sweep;

/**
 * An injected failure, for tests of retry and resume: trial {@code trial} throws at agent step {@code failAtStep},
 * the first {@code times} times it gets there, or with {@code killExecutor} halts its executor's JVM there (a lost
 * executor, as after an out-of-memory kill; cluster only).
 */
public record Fault(String trial, long failAtStep, int times, boolean killExecutor)
    implements java.io.Serializable {}
