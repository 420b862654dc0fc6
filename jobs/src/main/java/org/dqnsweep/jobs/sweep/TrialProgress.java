package org.dqnsweep.jobs.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.dqnsweep.storage.Storage;
import org.dqnsweep.train.TrialListener;

/**
 * Live progress of running trials. A Spark task says nothing to the driver until it ends, so each trial rewrites a
 * small JSON file under the sweep's {@code _progress/} every few seconds and the driver reads them all.
 *
 * @param step agent steps taken
 * @param maxSteps the trial's step budget
 * @param mean10 mean return of the last 10 games (NaN before the first)
 * @param stepsPerSecond agent steps per second since the previous report
 */
record TrialProgress(String trialId, long step, long maxSteps, double mean10, double stepsPerSecond) {
  static final String DIR = "_progress";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the latest reports, by trial id; unreadable ones (being replaced) are skipped until the next poll. */
  static Map<String, TrialProgress> readAll(Storage sweep) throws IOException {
    Map<String, TrialProgress> all = new HashMap<>();
    for (String name : sweep.list(DIR)) {
      try (InputStream in = sweep.open(DIR + "/" + name)) {
        TrialProgress p = JSON.readValue(in, TrialProgress.class);
        all.put(p.trialId(), p);
      } catch (IOException e) {
        // replaced between list and open: the next poll reads it
      }
    }
    return all;
  }

  /** The trial-side writer: a listener that reports at most every {@code periodMillis}. */
  static final class Reporter implements TrialListener {
    private final Storage sweep;
    private final String trialId;
    private final long maxSteps;
    private final long periodMillis;
    private double mean10 = Double.NaN;
    private long lastMillis;
    private long lastStep;

    Reporter(Storage sweep, String trialId, long maxSteps, long periodMillis) {
      this.sweep = sweep;
      this.trialId = trialId;
      this.maxSteps = maxSteps;
      this.periodMillis = periodMillis;
    }

    @Override
    public void onStart(long step) {
      lastStep = step;
      lastMillis = System.currentTimeMillis();
      write(new TrialProgress(trialId, step, maxSteps, mean10, 0));
    }

    @Override
    public void onEpisode(Episode e) {
      mean10 = e.mean10();
    }

    @Override
    public void onTransition(Transition t) {
      if ((t.step() & 63) != 0) {
        return;
      }
      long now = System.currentTimeMillis();
      if (now - lastMillis >= periodMillis) {
        double rate = (t.step() - lastStep) * 1000.0 / (now - lastMillis);
        lastStep = t.step();
        lastMillis = now;
        write(new TrialProgress(trialId, t.step(), maxSteps, mean10, rate));
      }
    }

    private void write(TrialProgress p) {
      try {
        sweep.writeAtomically(DIR + "/" + trialId + ".json", out -> out.write(JSON.writeValueAsBytes(p)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write progress to " + sweep.describe(DIR), e);
      }
    }
  }
}
