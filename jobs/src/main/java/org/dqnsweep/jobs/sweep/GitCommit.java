package org.dqnsweep.jobs.sweep;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.dqnsweep.util.Venv;

/** The project checkout's commit, for the sweep's MLflow run (or "unknown" outside a git checkout). */
final class GitCommit {
  private GitCommit() {}

  static String head() {
    try {
      Process p = new ProcessBuilder("git", "-C", Venv.home().toString(), "rev-parse", "HEAD")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
    } catch (Exception e) {
      return "unknown";
    }
  }
}
