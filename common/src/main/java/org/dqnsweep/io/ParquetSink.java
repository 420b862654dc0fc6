package org.dqnsweep.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.dqnsweep.train.TrialListener;

/**
 * A trial's events as Parquet tables under a sweep folder ({@code transitions}, {@code episodes},
 * {@code train_metrics}, {@code evals}, each partitioned by {@code trial_id}), committed with each checkpoint so
 * that retried and resumed trials leave exactly one row per event (see {@link ParquetTable}).
 */
public final class ParquetSink implements TrialListener, AutoCloseable {
  private final Configuration conf;
  private final Path sweepRoot;
  private final String trialId;
  private final long framesEvery;
  private ParquetTable transitions;
  private ParquetTable episodes;
  private ParquetTable trainMetrics;
  private ParquetTable evals;

  /**
   * @param sweepRoot the sweep's output folder
   * @param framesEvery which transition rows carry the frame: 0 none, 1 all, n every n-th agent step
   */
  public ParquetSink(Configuration conf, Path sweepRoot, String trialId, long framesEvery) {
    if (framesEvery < 0) {
      throw new IllegalArgumentException("framesEvery must be >= 0, got " + framesEvery);
    }
    this.conf = conf;
    this.sweepRoot = sweepRoot;
    this.trialId = trialId;
    this.framesEvery = framesEvery;
  }

  /** Opens the tables, dropping any rows committed after the step the run (re)starts from. */
  @Override
  public void onStart(long step) {
    try {
      transitions = table(Tables.TRANSITIONS, step);
      episodes = table(Tables.EPISODES, step);
      trainMetrics = table(Tables.TRAIN_METRICS, step);
      evals = table(Tables.EVALS, step);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the Parquet tables under " + sweepRoot, e);
    }
  }

  private ParquetTable table(MessageType schema, long step) throws IOException {
    Path dir = new Path(new Path(sweepRoot, schema.getName()), "trial_id=" + trialId);
    return new ParquetTable(conf, dir, schema, step);
  }

  @Override
  public void onTransition(Transition t) {
    write(transitions, Tables.transition(t, framesEvery > 0 && t.step() % framesEvery == 0));
  }

  @Override
  public void onEpisode(Episode e) {
    write(episodes, Tables.episode(e));
  }

  @Override
  public void onTrainInterval(TrainInterval t) {
    write(trainMetrics, Tables.trainInterval(t));
  }

  @Override
  public void onEvaluation(Evaluation e) {
    write(evals, Tables.evaluation(e));
  }

  @Override
  public void onCommit(long step) {
    try {
      transitions.commit(step);
      episodes.commit(step);
      trainMetrics.commit(step);
      evals.commit(step);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit the Parquet tables at agent step " + step, e);
    }
  }

  private static void write(ParquetTable table, Group row) {
    try {
      table.write(row);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a " + table.schema().getName() + " row", e);
    }
  }

  /** Drops rows not yet committed (a resume reports them again). */
  @Override
  public void close() throws IOException {
    if (transitions == null) {
      return;
    }
    try (ParquetTable a = transitions; ParquetTable b = episodes; ParquetTable c = trainMetrics;
        ParquetTable d = evals) {
      // each closed even if another fails
    }
  }
}
