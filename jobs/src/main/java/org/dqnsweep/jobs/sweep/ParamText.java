package org.dqnsweep.jobs.sweep;

import java.util.List;
import java.util.stream.Collectors;

/** Config values as short, exact text for plan tables and params: {@code 1e-4}, {@code 2.5e-4}, {@code [64,64]}. */
final class ParamText {
  private ParamText() {}

  static String of(Object v) {
    if (v instanceof Double d) {
      if (d.isInfinite()) {
        return d > 0 ? ".inf" : "-.inf";
      }
      // Double.toString is the shortest text that reads back exactly; only its exponent form is shortened.
      return Double.toString(d).replace(".0E", "E").replace("E", "e");
    }
    if (v instanceof List<?> list) {
      return list.stream().map(ParamText::of).collect(Collectors.joining(",", "[", "]"));
    }
    return String.valueOf(v);
  }
}
