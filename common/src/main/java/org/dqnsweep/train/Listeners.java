package org.dqnsweep.train;

import java.util.List;

/** Several listeners as one, called in order. */
public final class Listeners implements TrialListener {
  private final List<TrialListener> all;

  public Listeners(TrialListener... listeners) {
    this.all = List.of(listeners);
  }

  @Override
  public void onStart(long step) {
    for (TrialListener l : all) {
      l.onStart(step);
    }
  }

  @Override
  public void onTransition(Transition t) {
    for (TrialListener l : all) {
      l.onTransition(t);
    }
  }

  @Override
  public void onEpisode(Episode e) {
    for (TrialListener l : all) {
      l.onEpisode(e);
    }
  }

  @Override
  public void onTrainInterval(TrainInterval t) {
    for (TrialListener l : all) {
      l.onTrainInterval(t);
    }
  }

  @Override
  public void onEvaluation(Evaluation e) {
    for (TrialListener l : all) {
      l.onEvaluation(e);
    }
  }

  @Override
  public void onCommit(long step) {
    for (TrialListener l : all) {
      l.onCommit(step);
    }
  }

  @Override
  public void onCheckpoint(Checkpoint c) {
    for (TrialListener l : all) {
      l.onCheckpoint(c);
    }
  }
}
