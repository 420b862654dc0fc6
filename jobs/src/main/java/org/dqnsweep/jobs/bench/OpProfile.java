package org.dqnsweep.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a profiled series of updates spent its time, per update: in each PyTorch op (self time, nested ops
 * subtracted) and outside every op (the host's own code between ops: for us Java and JNI, for the reference
 * Python), read from a Chrome trace as libtorch's profiler (DJL) and torch.profiler (Kineto) write it.
 *
 * @param wallUs wall time of one update while profiled
 * @param opsUs time covered by at least one op, per update
 * @param selfUs self time of each op name, per update
 */
record OpProfile(double wallUs, double opsUs, Map<String, Double> selfUs) {

  /** Time per update in no op. */
  double outsideOpsUs() {
    return Math.max(0, wallUs - opsUs);
  }

  /**
   * @param trace a Chrome trace: a JSON array of events, or an object holding them in {@code traceEvents}
   * @param updates how many updates the trace covers
   * @param wallMs the wall time of those updates, timed around the profiled loop
   */
  static OpProfile read(Path trace, int updates, double wallMs) throws IOException {
    JsonNode root = new ObjectMapper().readTree(trace.toFile());
    JsonNode events = root.isArray() ? root : root.path("traceEvents");
    Map<String, List<double[]>> byThread = new HashMap<>(); // thread -> [start, end, name index]
    List<String> names = new ArrayList<>();
    Map<String, Integer> nameIndex = new HashMap<>();
    for (JsonNode e : events) {
      String name = e.path("name").asText();
      // complete events only; the profiler's own span over the whole trace is not an op
      if (!"X".equals(e.path("ph").asText()) || !e.has("dur") || "Trace".equals(e.path("cat").asText())
          || name.startsWith("PyTorch Profiler") || name.startsWith("ProfilerStep")) {
        continue;
      }
      double start = e.path("ts").asDouble();
      int index = nameIndex.computeIfAbsent(name, n -> {
        names.add(n);
        return names.size() - 1;
      });
      byThread.computeIfAbsent(e.path("tid").asText(), t -> new ArrayList<>())
          .add(new double[] {start, start + e.path("dur").asDouble(), index});
    }
    double[] self = new double[names.size()];
    List<double[]> all = new ArrayList<>();
    for (List<double[]> thread : byThread.values()) {
      all.addAll(thread);
      // parents before their children: by start, then the longer first
      thread.sort(Comparator.<double[]>comparingDouble(x -> x[0]).thenComparingDouble(x -> -x[1]));
      Deque<double[]> open = new ArrayDeque<>();
      for (double[] op : thread) {
        while (!open.isEmpty() && open.peek()[1] <= op[0]) {
          open.pop();
        }
        if (!open.isEmpty()) {
          self[(int) open.peek()[2]] -= op[1] - op[0];
        }
        self[(int) op[2]] += op[1] - op[0];
        open.push(op);
      }
    }
    all.sort(Comparator.comparingDouble(x -> x[0]));
    double covered = 0;
    double coverEnd = Double.NEGATIVE_INFINITY;
    for (double[] op : all) { // the union of all ops' intervals, over every thread
      if (op[1] > coverEnd) {
        covered += op[1] - Math.max(op[0], coverEnd);
        coverEnd = op[1];
      }
    }
    Map<String, Double> selfUs = new TreeMap<>();
    for (int i = 0; i < self.length; i++) {
      selfUs.put(names.get(i), self[i] / updates);
    }
    return new OpProfile(wallMs * 1000 / updates, covered / updates, selfUs);
  }

  /** The op names that take the most self time in either profile, most first by the larger of the two. */
  static List<String> topOps(OpProfile a, OpProfile b, int n) {
    Map<String, Double> larger = new HashMap<>(a.selfUs);
    if (b != null) {
      b.selfUs.forEach((k, v) -> larger.merge(k, v, Math::max));
    }
    return larger.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(n)
        .map(Map.Entry::getKey)
        .toList();
  }
}
