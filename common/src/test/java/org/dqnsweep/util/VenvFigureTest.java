package org.dqnsweep.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A script's {@code name=value} lines are read by name; Python's {@code nan} (a reference that did not run) is NaN. */
class VenvFigureTest {
  @Test
  void readsFiguresByNameAndNanAsNaN() {
    String out = "# reference: a note\nreference_agent_steps_per_s=61.25\nother=nan\n";
    assertEquals(61.25, Venv.figure(out, "reference_agent_steps_per_s"));
    assertTrue(Double.isNaN(Venv.figure(out, "other")));
    assertThrows(IllegalStateException.class, () -> Venv.figure(out, "missing"));
  }
}
