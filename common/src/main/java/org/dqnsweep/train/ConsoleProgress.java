package org.dqnsweep.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One console line per training interval: agent steps, emulator frames per second, mean10 return, epsilon, loss,
 * updates/s and ETA; plus a line per evaluation and checkpoint.
 */
public final class ConsoleProgress implements TrialListener {
  private final PrintStream out;
  private final String prefix;
  private final long maxSteps;
  private final int frameSkip;
  private double mean10 = Double.NaN;
  private long games;

  /**
   * @param prefix put before each line (a trial id in sweeps; empty alone)
   * @param frameSkip emulator frames per agent step, for frames per second
   */
  public ConsoleProgress(PrintStream out, String prefix, long maxSteps, int frameSkip) {
    this.out = out;
    this.prefix = prefix;
    this.maxSteps = maxSteps;
    this.frameSkip = frameSkip;
  }

  @Override
  public void onEpisode(Episode e) {
    mean10 = e.mean10();
    games = e.episode() + 1;
  }

  @Override
  public void onTrainInterval(TrainInterval t) {
    double eta = t.agentStepsPerSecond() > 0 ? (maxSteps - t.step()) / t.agentStepsPerSecond() : Double.NaN;
    out.printf(Locale.ROOT, "%sstep %,d/%,d  fps %,.0f  steps/s %,.0f  games %d  mean10 %s  eps %.3f  loss %s  "
            + "updates/s %.0f  eta %s%n",
        prefix, t.step(), maxSteps, t.agentStepsPerSecond() * frameSkip, t.agentStepsPerSecond(), games,
        Double.isNaN(mean10) ? "-" : String.format(Locale.ROOT, "%.2f", mean10), t.epsilon(),
        Double.isNaN(t.loss()) ? "-" : String.format(Locale.ROOT, "%.4f", t.loss()), t.updatesPerSecond(),
        duration(eta));
  }

  @Override
  public void onEvaluation(Evaluation e) {
    out.printf(Locale.ROOT, "%seval at step %,d: mean return %.2f +- %.2f over %d games%n", prefix, e.step(),
        e.mean(), e.std(), e.returns().length);
  }

  @Override
  public void onCheckpoint(Checkpoint c) {
    out.printf(Locale.ROOT, "%scheckpoint at step %,d: %s%n", prefix, c.step(), c.path());
  }

  static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return "-";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
