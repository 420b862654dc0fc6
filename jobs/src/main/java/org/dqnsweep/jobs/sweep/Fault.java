package org.dqnsweep.jobs.sweep;

/**
 * An injected failure, for tests of retry and resume: trial {@code trial} throws at agent step {@code failAtStep},
 * the first {@code times} times it gets there.
 */
public record Fault(String trial, long failAtStep, int times) implements java.io.Serializable {}
