package org.dqnsweep.track;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.dqnsweep.train.TrialListener;

/**
 * A trial's events as MLflow metrics, step = agent step: per game {@code episode_return} and
 * {@code mean10_return}; per evaluation {@code eval_return}; per training interval {@code loss}, {@code q_mean}
 * (once learning runs), {@code epsilon} and {@code agent_steps_per_s}. A retried or resumed trial reports again
 * what came after its checkpoint, with the same values at the same steps; points whose (key, step) the run
 * already holds are skipped, so the run never gets a duplicate.
 */
public final class TrackingListener implements TrialListener {
  /** Every metric key this listener logs, for sync and tests. */
  public static final Set<String> KEYS = Set.of("episode_return", "mean10_return", "eval_return", "loss", "q_mean",
      "epsilon", "agent_steps_per_s");

  private final Consumer<MetricPoint> out;
  private final Map<String, Set<Long>> alreadyLogged;

  /**
   * @param out where points go (an {@link AsyncBatcher})
   * @param alreadyLogged steps each key already has in the run (empty for a new run)
   */
  public TrackingListener(Consumer<MetricPoint> out, Map<String, Set<Long>> alreadyLogged) {
    this.out = out;
    this.alreadyLogged = alreadyLogged;
  }

  @Override
  public void onEpisode(Episode e) {
    log("episode_return", e.rawReturn(), e.endStep());
    log("mean10_return", e.mean10(), e.endStep());
  }

  @Override
  public void onEvaluation(Evaluation e) {
    log("eval_return", e.mean(), e.step());
  }

  @Override
  public void onTrainInterval(TrainInterval t) {
    log("loss", t.loss(), t.step());
    log("q_mean", t.qMean(), t.step());
    log("epsilon", t.epsilon(), t.step());
    log("agent_steps_per_s", t.agentStepsPerSecond(), t.step());
  }

  private void log(String key, double value, long step) {
    if (Double.isNaN(value) || alreadyLogged.getOrDefault(key, Set.of()).contains(step)) {
      return; // no value yet (loss before learning), or the run has it from an earlier attempt
    }
    out.accept(new MetricPoint(key, value, step, System.currentTimeMillis()));
  }
}
