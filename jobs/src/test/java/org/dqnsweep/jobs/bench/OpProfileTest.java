package org.dqnsweep.jobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self times and time outside ops from Chrome traces in both writers' shapes. */
class OpProfileTest {
  @TempDir
  Path dir;

  private static String op(String name, String tid, double ts, double dur) {
    return "{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"" + name + "\", \"tid\": " + tid + ", \"ts\": " + ts
        + ", \"dur\": " + dur + "}";
  }

  private static final String EVENTS = String.join(",\n",
      "{\"ph\": \"X\", \"cat\": \"Trace\", \"name\": \"PyTorch Profiler (0)\", \"tid\": \"x\", \"ts\": 0, \"dur\": 1000}",
      op("aten::a", "1", 0, 100),
      op("aten::b", "1", 10, 30), // inside a
      op("aten::c", "1", 50, 10), // inside a
      op("aten::d", "1", 200, 30),
      op("aten::d", "2", 90, 60), // another thread, overlapping a
      "{\"ph\": \"i\", \"name\": \"marker\", \"tid\": 1, \"ts\": 300}");

  @Test
  void selfTimesSubtractNestedOpsAndCoverageIsTheUnionOverThreads() throws Exception {
    Path trace = Files.writeString(dir.resolve("kineto.json"), "{\"traceEvents\": [" + EVENTS + "]}");
    OpProfile p = OpProfile.read(trace, 2, 0.5);
    assertEquals(30, p.selfUs().get("aten::a"), 1e-9); // (100 - 30 - 10) / 2
    assertEquals(15, p.selfUs().get("aten::b"), 1e-9);
    assertEquals(5, p.selfUs().get("aten::c"), 1e-9);
    assertEquals(45, p.selfUs().get("aten::d"), 1e-9); // (30 + 60) / 2
    assertEquals(4, p.selfUs().size()); // neither the profiler's span nor the instant event
    assertEquals(90, p.opsUs(), 1e-9); // [0, 150] and [200, 230], per update
    assertEquals(250, p.wallUs(), 1e-9);
    assertEquals(160, p.outsideOpsUs(), 1e-9);
    assertEquals(List.of("aten::d", "aten::a"), OpProfile.topOps(p, null, 2));
  }

  @Test
  void readsLibtorchsArrayShapeAlike() throws Exception {
    Path trace = Files.writeString(dir.resolve("libtorch.json"), "[" + EVENTS + "]");
    OpProfile p = OpProfile.read(trace, 1, 1);
    assertEquals(60, p.selfUs().get("aten::a"), 1e-9);
    assertEquals(180, p.opsUs(), 1e-9);
    assertEquals(820, p.outsideOpsUs(), 1e-9);
  }
}
