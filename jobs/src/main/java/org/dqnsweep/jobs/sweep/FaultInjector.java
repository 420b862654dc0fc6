package org.dqnsweep.jobs.sweep;

import org.dqnsweep.train.TrialListener;

/**
 * For tests of retries: fails a trial's task at one agent step on its first {@code times} attempts, as an executor
 * crash would, so the retry must resume from the last checkpoint.
 */
final class FaultInjector implements TrialListener {
  private final long failAtStep;
  private final boolean armed;

  FaultInjector(long failAtStep, int times, int attempt) {
    this.failAtStep = failAtStep;
    this.armed = attempt < times;
  }

  @Override
  public void onTransition(Transition t) {
    if (armed && t.step() == failAtStep) {
      throw new InjectedFault("injected fault at agent step " + failAtStep + " (sweep spec `faults`)");
    }
  }

  /** The failure {@link FaultInjector} raises. */
  static final class InjectedFault extends RuntimeException {
    InjectedFault(String message) {
      super(message);
    }
  }
}
