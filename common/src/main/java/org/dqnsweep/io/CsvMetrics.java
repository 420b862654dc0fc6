package org.dqnsweep.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dqnsweep.track.LearningCurve;
import org.dqnsweep.train.TrialListener;

/**
 * Metrics of a single run as CSV files ({@code episodes.csv}, {@code train.csv}, {@code evals.csv}). Rows are held
 * until the checkpoint that covers them is durable and only then appended, so a run that crashes and resumes from
 * that checkpoint writes each row exactly once.
 */
public final class CsvMetrics implements TrialListener {
  private final Table episodes;
  private final Table train;
  private final Table evals;

  /** @param resume append to existing files (rows up to the last checkpoint are there) instead of creating them */
  public CsvMetrics(Path dir, boolean resume) {
    this.episodes = new Table(dir.resolve("episodes.csv"),
        "episode,end_step,raw_return,clipped_return,length,epsilon,emulator_frames,wall_seconds,mean10", resume);
    this.train = new Table(dir.resolve("train.csv"),
        "step,updates,loss,q_mean,td_error_mean,updates_per_s,agent_steps_per_s,epsilon", resume);
    this.evals = new Table(dir.resolve("evals.csv"), "step,games,mean_return,std_return", resume);
  }

  /** The learning curve of a run folder these files were written to (game returns, mean10, evaluations), as PNG. */
  public static byte[] learningCurve(Path dir, String title) throws IOException {
    List<LearningCurve.Game> games = new ArrayList<>();
    for (String[] row : rows(dir.resolve("episodes.csv"))) { // episode,end_step,raw_return,...,mean10
      games.add(new LearningCurve.Game(Long.parseLong(row[1]), Double.parseDouble(row[2]),
          Double.parseDouble(row[row.length - 1])));
    }
    List<LearningCurve.Eval> evals = new ArrayList<>();
    for (String[] row : rows(dir.resolve("evals.csv"))) { // step,games,mean_return,std_return
      evals.add(new LearningCurve.Eval(Long.parseLong(row[0]), Double.parseDouble(row[2])));
    }
    return LearningCurve.png(title, games, evals, 900, 500);
  }

  private static List<String[]> rows(Path file) throws IOException {
    List<String[]> out = new ArrayList<>();
    if (Files.exists(file)) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        if (!line.isBlank()) {
          out.add(line.split(","));
        }
      }
    }
    return out;
  }

  @Override
  public void onEpisode(Episode e) {
    episodes.add(e.episode(), e.endStep(), e.rawReturn(), e.clippedReturn(), e.length(), e.epsilon(),
        e.emulatorFrames(), e.wallSeconds(), e.mean10());
  }

  @Override
  public void onTrainInterval(TrainInterval t) {
    train.add(t.step(), t.updates(), t.loss(), t.qMean(), t.tdErrorMean(), t.updatesPerSecond(),
        t.agentStepsPerSecond(), t.epsilon());
  }

  @Override
  public void onEvaluation(Evaluation e) {
    evals.add(e.step(), e.returns().length, e.mean(), e.std());
  }

  @Override
  public void onCheckpoint(Checkpoint c) {
    episodes.flush();
    train.flush();
    evals.flush();
  }

  private static final class Table {
    private final Path file;
    private final List<String> pending = new ArrayList<>();

    Table(Path file, String header, boolean resume) {
      this.file = file;
      try {
        if (!resume || !Files.exists(file)) {
          Files.writeString(file, header + "\n", StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }

    void add(Object... values) {
      StringBuilder row = new StringBuilder();
      for (Object v : values) {
        if (row.length() > 0) {
          row.append(',');
        }
        row.append(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(v));
      }
      pending.add(row.append('\n').toString());
    }

    void flush() {
      if (pending.isEmpty()) {
        return;
      }
      try {
        Files.writeString(file, String.join("", pending), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to " + file, e);
      }
      pending.clear();
    }
  }
}
