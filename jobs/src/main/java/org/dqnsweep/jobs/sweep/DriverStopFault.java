package org.dqnsweep.jobs.sweep;

/**
 * The test fault {@code stop_driver_after_decisions: N}: a driver that starts with no scheduler decision recorded
 * stops, as if killed, right after recording its N-th; a driver started again (decisions recorded) never does.
 */
final class DriverStopFault {
  private final int after;
  private final boolean armed;
  private int made;

  /** @param after N, or 0 for no fault */
  DriverStopFault(int after, boolean startedEmpty) {
    this.after = after;
    this.armed = startedEmpty && after > 0;
  }

  /** Counts a recorded decision; throws {@link SweepDriver.Stopped} at the N-th. */
  void decided() {
    made++;
    if (armed && made == after) {
      throw new SweepDriver.Stopped("injected fault: the driver stops after " + made
          + " scheduler decisions (faults: stop_driver_after_decisions)");
    }
  }
}
