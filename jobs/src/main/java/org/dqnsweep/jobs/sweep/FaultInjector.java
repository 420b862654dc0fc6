package org.dqnsweep.jobs.sweep;

import org.dqnsweep.train.TrialListener;

/**
 * For tests of retries: fails a trial's task at one agent step on its first {@code times} attempts, by an
 * exception or by halting the executor's JVM, so the retry must resume from the last checkpoint.
 */
final class FaultInjector implements TrialListener {
  private final Fault fault;
  private final boolean armed;

  FaultInjector(Fault fault, int attempt) {
    this.fault = fault;
    this.armed = attempt < fault.times();
  }

  @Override
  public void onTransition(Transition t) {
    if (armed && t.step() == fault.failAtStep()) {
      String what = "injected fault at agent step " + fault.failAtStep() + " (sweep spec `faults`)";
      if (fault.killExecutor()) {
        System.err.println(what + ": halting this executor");
        System.err.flush();
        Runtime.getRuntime().halt(137); // no shutdown hooks, no cleanup: as the kernel's OOM killer would
      }
      throw fault.permanent() ? new PermanentFault(what + ", permanent") : new InjectedFault(what);
    }
  }

  /** A failure no retry cures, as a bad ROM or config would be. */
  static final class PermanentFault extends RuntimeException implements org.dqnsweep.config.NotRetryable {
    PermanentFault(String message) {
      super(message);
    }
  }

  /** The failure {@link FaultInjector} raises. */
  static final class InjectedFault extends RuntimeException {
    InjectedFault(String message) {
      super(message);
    }
  }
}
