package org.dqnsweep.train;

import ai.djl.Device;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.EnvSpec;
import org.dqnsweep.env.Envs;
import org.dqnsweep.env.Step;
import org.dqnsweep.explore.EpsilonSchedule;
import org.dqnsweep.storage.Storage;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.replay.FrameReplayBuffer;
import org.dqnsweep.train.TrialListener.Transition;
import org.dqnsweep.util.Rng;

/**
 * One DQN training run: config + seed in, events out, checkpoints along the way. {@link #run} is the whole
 * algorithm and reads top to bottom (act, step, store, learn, sync, record); Parquet, MLflow and Spark attach
 * through the {@link TrialListener}, the checkpoint's layout is {@link CheckpointFile}'s.
 */
public final class Trainer implements AutoCloseable {
  private static final int KEEP_CHECKPOINTS = 2;

  private final TrialConfig config;
  private final TrialListener listener;
  private final Checkpoints checkpoints;
  private final Env env;
  private final EnvSpec spec;
  private final DqnLearner learner;
  private final Agent agent;
  private final FrameReplayBuffer replay;
  private final Batch batch;
  private final EpsilonSchedule epsilon;
  private final Rng exploreRng;
  private final Rng replayRng;
  private final Cadence every;
  private final TransitionFrame actedFrame = new TransitionFrame();

  // Run state: everything below is saved in checkpoints.
  private long step;
  private long games;
  private double gameRawReturn;
  private double gameClippedReturn;
  private long gameLength;
  private final Returns returns = new Returns();
  private double wallSecondsBefore;
  private double bestEval = Double.NaN;
  private double lastEval = Double.NaN;

  // Not saved: where the replay began filling (a resume without the replay starts it again).
  private long replayStart;
  private final UpdateStats interval = new UpdateStats();
  private long runStartNanos;
  private List<ResumableSettings.Change> changedOnResume = List.of();

  /**
   * @param storage where checkpoints go (its root holds them)
   * @param resume continue from the latest checkpoint in {@code storage} (there must be one)
   */
  public Trainer(TrialConfig config, Device device, Storage storage, boolean resume, TrialListener listener)
      throws IOException {
    this.config = config;
    this.listener = listener;
    this.checkpoints = new Checkpoints(storage, KEEP_CHECKPOINTS);
    long seed = config.seed();
    this.env = Envs.make(config.env(), Rng.derive(seed, "env").nextLong(), true);
    env.reset();
    this.spec = EnvSpec.of(env);
    this.learner = new DqnLearner(config.learner(), config.network(), spec.observationShape(),
        spec.observationType(), spec.actionCount(), device, seed);
    this.agent = new Agent(learner, spec.actionCount());
    int frameBytes = env.newestFrame().length;
    this.replay = new FrameReplayBuffer(config.replay().capacity(), frameBytes, env.stack());
    this.batch = learner.newBatch(env.stack(), frameBytes);
    this.epsilon = new EpsilonSchedule(config.exploration());
    this.exploreRng = Rng.derive(seed, "explore");
    this.replayRng = Rng.derive(seed, "replay");
    this.every = new Cadence(config);
    boolean replayRestored = false;
    if (resume) {
      String latest = checkpoints.latest().orElseThrow(() -> new IOException(
          "nothing to resume: no checkpoint in " + checkpoints.describe()));
      try (DataInputStream in = checkpoints.open(latest)) {
        replayRestored = CheckpointFile.read(in, saved -> changedOnResume = ResumableSettings.changes(saved,
            resumeKey()), this::readCounters, learner, env, replay,
            () -> checkpoints.segmentsToRestore(step));
      }
    }
    if (!replayRestored) { // a new run, or a resume without the replay: it fills again from the current frame
      replay.startEpisode(env.newestFrame());
      replayStart = step;
    }
  }

  /** Trains until the step budget or the return target; returns how it ended. */
  public TrialResult run() throws IOException {
    runStartNanos = System.nanoTime();
    listener.onStart(step);
    interval.start(step, learner.updates());
    while (step < every.maxSteps && !targetReached()) {
      // act: epsilon-greedy on the current observation
      double eps = epsilon.at(step);
      Agent.Choice choice = agent.act(env.observation(), eps, exploreRng);

      // step the env and store the frame it led to (each frame once; states are stacked by index)
      Step s = env.step(choice.action());
      replay.append(choice.action(), (float) s.reward(), s.terminated(), env.newestFrame());
      listener.onTransition(new Transition(step, games, choice.action(), s.reward(), s.rawReward(), s.terminated(),
          eps, choice.q(), actedFrame));
      step++;
      gameRawReturn += s.rawReward();
      gameClippedReturn += s.reward();
      gameLength++;
      if (s.gameDone()) {
        endGame(eps);
      }
      if (s.done()) {
        env.reset();
        replay.startEpisode(env.newestFrame());
      }

      // learn from a sampled batch, then sync the target network every C updates
      if (every.learns(step, replayStart)) {
        replay.sample(replayRng, batch);
        learner.update(batch);
        if (learner.updates() % every.targetSync == 0) {
          learner.syncTarget();
        }
      }

      // record: progress, evaluation and checkpoint, each at its cadence, and all three once at the last step
      boolean last = step >= every.maxSteps || targetReached();
      if (last || every.progress(step)) {
        emitInterval(eps);
      }
      if (last || every.evaluation(step)) {
        evaluate();
      }
      if (last || every.checkpoint(step)) {
        checkpoint();
      }
    }
    return new TrialResult(targetReached() ? "target_return" : "max_agent_steps", step, env.emulatorFrames(), games,
        learner.updates(), lastEval, bestEval, returns.mean10(), wallSeconds(), learner.device().toString());
  }

  private boolean targetReached() {
    return returns.full() && returns.mean10() > config.trainer().stopMean10Above();
  }

  private void endGame(double eps) {
    returns.add(gameRawReturn);
    listener.onEpisode(new TrialListener.Episode(games, step, gameRawReturn, gameClippedReturn, gameLength, eps,
        env.emulatorFrames(), wallSeconds(), returns.mean10()));
    games++;
    gameRawReturn = 0;
    gameClippedReturn = 0;
    gameLength = 0;
  }

  /**
   * Plays {@code trainer.eval_episodes} whole games at the evaluation epsilon on a fresh env whose seed depends
   * only on the trial seed and the step, so evaluations need no saved state to repeat exactly.
   */
  private void evaluate() {
    int n = config.trainer().evalEpisodes();
    if (n == 0) {
      return;
    }
    double[] results = Evaluator.play(agent, config.env(), Rng.derive(config.seed(), "eval-" + step).nextLong(),
        n, config.exploration().evalEpsilon());
    double mean = 0;
    for (double r : results) {
      mean += r / n;
    }
    double var = 0;
    for (double r : results) {
      var += (r - mean) * (r - mean) / n;
    }
    lastEval = mean;
    bestEval = Double.isNaN(bestEval) ? mean : Math.max(bestEval, mean);
    listener.onEvaluation(new TrialListener.Evaluation(step, results, mean, Math.sqrt(var)));
  }

  private void emitInterval(double eps) {
    interval.add(learner.drainTotals(), step);
    listener.onTrainInterval(interval.end(step, learner.updates(), eps));
    interval.start(step, learner.updates());
  }

  private double wallSeconds() {
    return wallSecondsBefore + (System.nanoTime() - runStartNanos) / 1e9;
  }

  private void checkpoint() throws IOException {
    interval.add(learner.drainTotals(), step); // a diverged network is never checkpointed
    listener.onCommit(step);
    String path = checkpoints.write(step, out -> CheckpointFile.write(out, resumeKey(), spec, this::writeCounters,
        learner, env, config.replay().inCheckpoint() ? replay : null, checkpoints.segmentsToWrite(step)));
    listener.onCheckpoint(new TrialListener.Checkpoint(step, path));
  }

  private void writeCounters(DataOutputStream c) throws IOException {
    c.writeLong(step);
    c.writeLong(games);
    c.writeDouble(gameRawReturn);
    c.writeDouble(gameClippedReturn);
    c.writeLong(gameLength);
    returns.save(c);
    c.writeDouble(wallSeconds());
    c.writeDouble(bestEval);
    c.writeDouble(lastEval);
    c.writeLong(exploreRng.state());
    c.writeLong(replayRng.state());
  }

  private void readCounters(DataInputStream in) throws IOException {
    step = in.readLong();
    games = in.readLong();
    gameRawReturn = in.readDouble();
    gameClippedReturn = in.readDouble();
    gameLength = in.readLong();
    returns.load(in);
    wallSecondsBefore = in.readDouble();
    bestEval = in.readDouble();
    lastEval = in.readDouble();
    exploreRng.setState(in.readLong());
    replayRng.setState(in.readLong());
  }

  /** The config a checkpoint is written with: all of it but the trainer's budget and cadence. */
  private String resumeKey() {
    Map<String, Object> tree = Configs.toMap(config);
    tree.remove("trainer");
    return Yaml.write(tree);
  }

  /** The settings this resume changed (empty for a new run or an unchanged config). */
  public List<ResumableSettings.Change> changedOnResume() {
    return changedOnResume;
  }

  /** The trained policy, owned by this trainer (closed with it), e.g. for a trial's artifacts after {@link #run}. */
  public PolicyFile.Policy policy() {
    return new PolicyFile.Policy(config, spec, learner);
  }

  /**
   * Numbers the next game to end {@code next}: a member of a population-based sweep that resumed from another
   * member's checkpoint plays on from that member's state (the game in progress included) but counts games as its
   * own, so its tables hold one row per game.
   */
  public void renumberGames(long next) {
    games = next;
  }

  /** Agent steps taken so far. */
  public long step() {
    return step;
  }

  @Override
  public void close() {
    learner.close();
    env.close();
  }

  /** Thrown when the loss stops being a finite number: the run cannot recover. */
  public static final class TrainingDivergedException extends RuntimeException
      implements org.dqnsweep.config.NotRetryable {
    public TrainingDivergedException(String message) {
      super(message);
    }
  }

  /** The frame of the observation the last transition was taken from, copied out of the replay on request. */
  private final class TransitionFrame implements TrialListener.Frame {
    @Override
    public byte[] copy() {
      return replay.copyRecentFrame(1);
    }
  }

  /** The run's step-like settings, each in its unit, and the one place that says what is due at a step. */
  private static final class Cadence {
    final long maxSteps;
    final long learnStart;
    final int trainEvery;
    final int targetSync;
    final long progressEvery;
    final long evalEvery;
    final long checkpointEvery;

    Cadence(TrialConfig c) {
      maxSteps = c.trainer().maxAgentSteps();
      learnStart = c.learner().learnStartAgentSteps();
      trainEvery = c.learner().trainEveryAgentSteps();
      targetSync = c.learner().targetSyncEveryUpdates();
      progressEvery = c.trainer().progressEveryAgentSteps();
      evalEvery = c.trainer().evalEveryAgentSteps();
      checkpointEvery = c.trainer().checkpointEveryAgentSteps();
    }

    /**
     * An update is due: {@code learn_start} steps have passed since the replay began filling (step 0, or the step
     * a run without its replay resumed at), and it is a training step.
     */
    boolean learns(long step, long replayStart) {
      return step - replayStart >= learnStart && step % trainEvery == 0;
    }

    boolean progress(long step) {
      return step % progressEvery == 0;
    }

    boolean evaluation(long step) {
      return evalEvery > 0 && step % evalEvery == 0;
    }

    boolean checkpoint(long step) {
      return checkpointEvery > 0 && step % checkpointEvery == 0;
    }
  }

  /**
   * Loss, Q and TD error summed over one progress interval's updates, and its rates. The learner keeps the sums on
   * its device; they are read at each progress line and checkpoint, where a non-finite loss ends the run.
   */
  private static final class UpdateStats {
    private long startNanos;
    private long startStep;
    private long startUpdates;
    private double loss;
    private double q;
    private double td;
    private long n;

    void start(long step, long updates) {
      startNanos = System.nanoTime();
      startStep = step;
      startUpdates = updates;
      loss = 0;
      q = 0;
      td = 0;
      n = 0;
    }

    void add(DqnLearner.Totals t, long step) {
      if (!Double.isFinite(t.loss())) {
        throw new TrainingDivergedException("the loss became " + t.loss() + " within the last " + t.updates()
            + " updates (agent steps " + startStep + " to " + step + "): lower learner.lr or enable "
            + "learner.grad_clip");
      }
      loss += t.loss();
      q += t.qMean();
      td += t.tdErrorMean();
      n += t.updates();
    }

    TrialListener.TrainInterval end(long step, long updates, double eps) {
      double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
      double none = Double.NaN;
      return new TrialListener.TrainInterval(step, updates, n == 0 ? none : loss / n, n == 0 ? none : q / n,
          n == 0 ? none : td / n, (updates - startUpdates) / seconds, (step - startStep) / seconds, eps);
    }
  }
}
