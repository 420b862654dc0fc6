package org.dqnsweep.jobs.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's per-process counters that say where a loop's time goes beyond its parts: page faults (a replay
 * touched for the first time), context switches of all threads (PyTorch's OpenMP workers going to sleep and being
 * woken between one update and the next) and CPU time (threads spinning while they wait), read from
 * {@code /proc/self}; beside them the host's steal time from {@code /proc/stat}: CPU time the hypervisor gave to
 * other guests, which slows every part of a run at random and makes its figures incomparable. Where a file does
 * not exist its counts are -1.
 */
record ProcessCounters(long minorFaults, long majorFaults, long voluntarySwitches, long involuntarySwitches,
    long cpuNanos, long wallNanos, long hostStealTicks, long hostTicks) {
  private static final Path SELF = Path.of("/proc/self");
  private static final Path STAT = Path.of("/proc/stat");

  static ProcessCounters now() {
    long begin = System.nanoTime();
    long[] host = readHost();
    try {
      // /proc/self/stat: "pid (comm) state ..."; after the comm, minflt is field 10 and majflt field 12 of the line
      String stat = Files.readString(SELF.resolve("stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long voluntary = 0;
      long involuntary = 0;
      long cpu = 0;
      int timed = 0;
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(SELF.resolve("task"))) {
        for (Path task : tasks) {
          try {
            // schedstat: "time on the CPU (ns), time waiting to run (ns), timeslices"
            String sched = Files.readString(task.resolve("schedstat"));
            cpu += Long.parseLong(sched.substring(0, sched.indexOf(' ')));
            timed++;
            for (String line : Files.readAllLines(task.resolve("status"))) {
              if (line.startsWith("voluntary_ctxt_switches:")) {
                voluntary += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
              } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                involuntary += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
              }
            }
          } catch (IOException threadEnded) {
            // a thread that ended between the listing and the read: its switches are gone from the sum either way
          }
        }
      }
      return new ProcessCounters(Long.parseLong(f[7]), Long.parseLong(f[9]), voluntary, involuntary,
          timed > 0 ? cpu : jvmCpuNanos(), middle(begin), host[0], host[1]);
    } catch (IOException | RuntimeException noProc) {
      return new ProcessCounters(-1, -1, -1, -1, jvmCpuNanos(), middle(begin), host[0], host[1]);
    }
  }

  /**
   * The process CPU time as the JVM reports it, where no thread's schedstat can be read: it counts clock ticks (10
   * ms here), too coarse for a segment of tens of milliseconds, which is why each thread's schedstat (nanoseconds)
   * comes first. (A thread that ends inside a window takes its time out of that sum; no thread of a running loop
   * does.)
   */
  private static long jvmCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }

  /**
   * The wall clock halfway through a reading: the threads' CPU times are read one after the other while it lasts
   * (milliseconds with many threads), so CPU time over the wall time between two such points is the cores kept busy.
   */
  private static long middle(long begin) {
    return begin + (System.nanoTime() - begin) / 2;
  }

  /** Cores kept busy between the two readings (CPU time of all threads over wall time; NaN when unknown). */
  double coresBusy() {
    return cpuNanos < 0 || wallNanos <= 0 ? Double.NaN : (double) cpuNanos / wallNanos;
  }

  /**
   * The steal ticks and all ticks of the machine: /proc/stat's first line is "cpu user nice system idle iowait
   * irq softirq steal ..." in clock ticks; steal is the eighth.
   */
  private static long[] readHost() {
    try {
      String[] f = Files.readAllLines(STAT).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {Long.parseLong(f[8]), total};
    } catch (IOException | RuntimeException noStat) {
      return new long[] {-1, -1};
    }
  }

  /** The share of the machine's CPU time the hypervisor gave to other guests (NaN when unknown). */
  double hostStealShare() {
    return hostStealTicks < 0 || hostTicks <= 0 ? Double.NaN : (double) hostStealTicks / hostTicks;
  }

  /** Minor and major page faults (-1 when unknown). */
  long faults() {
    return minorFaults < 0 || majorFaults < 0 ? -1 : minorFaults + majorFaults;
  }

  /** Voluntary and involuntary context switches of all threads (-1 when unknown). */
  long switches() {
    return voluntarySwitches < 0 || involuntarySwitches < 0 ? -1 : voluntarySwitches + involuntarySwitches;
  }

  /** The counts from {@code earlier} to this reading (-1 where either side has none). */
  ProcessCounters since(ProcessCounters earlier) {
    return new ProcessCounters(diff(minorFaults, earlier.minorFaults), diff(majorFaults, earlier.majorFaults),
        diff(voluntarySwitches, earlier.voluntarySwitches), diff(involuntarySwitches, earlier.involuntarySwitches),
        diff(cpuNanos, earlier.cpuNanos), wallNanos - earlier.wallNanos, diff(hostStealTicks, earlier.hostStealTicks),
        diff(hostTicks, earlier.hostTicks));
  }

  private static long diff(long now, long then) {
    return now < 0 || then < 0 ? -1 : now - then;
  }
}
