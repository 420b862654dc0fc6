package org.dqnsweep.train;

import ai.djl.Device;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.config.Yaml;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Envs;
import org.dqnsweep.env.Step;
import org.dqnsweep.explore.EpsilonSchedule;
import org.dqnsweep.io.Storage;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.replay.FrameReplayBuffer;
import org.dqnsweep.train.TrialListener.Transition;
import org.dqnsweep.util.Rng;

/**
 * One DQN training run: config + seed in, events out, checkpoints along the way. {@link #run} is the whole
 * algorithm and reads top to bottom (act, step, store, learn, sync, record); Parquet, MLflow and Spark attach
 * through the {@link TrialListener}.
 */
public final class Trainer implements AutoCloseable {
  private static final int CHECKPOINT_FORMAT = 1;
  private static final int KEEP_CHECKPOINTS = 2;

  private final TrialConfig config;
  private final TrialListener listener;
  private final Checkpoints checkpoints;
  private final Env env;
  private final DqnLearner learner;
  private final FrameReplayBuffer replay;
  private final Batch batch;
  private final EpsilonSchedule epsilon;
  private final Rng exploreRng;
  private final Rng replayRng;
  private final int frameBytes;
  private final byte[] actFrame;

  // Run state: everything below is saved in checkpoints.
  private long step;
  private long games;
  private long learningEpisodes;
  private double gameRawReturn;
  private double gameClippedReturn;
  private long gameLength;
  private final Returns returns = new Returns();
  private double wallSecondsBefore;
  private double bestEval = Double.NaN;
  private double lastEval = Double.NaN;

  // Interval statistics for progress events (not saved: an interval restarts on resume).
  private long intervalStartNanos;
  private long intervalStartStep;
  private long intervalStartUpdates;
  private double lossSum;
  private double qSum;
  private double tdSum;
  private int intervalUpdates;
  private long runStartNanos;

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
    int stack = config.env().frameStack();
    int[] shape = env.observationShape();
    this.frameBytes = env.reset().length / stack;
    this.actFrame = new byte[frameBytes];
    this.learner = new DqnLearner(config.learner(), config.network(), shape, env.observationType(),
        env.actionCount(), device, seed);
    this.replay = new FrameReplayBuffer(config.replay().capacity(), frameBytes, stack);
    this.batch = new Batch(config.learner().batchSize(), stack, frameBytes);
    this.epsilon = new EpsilonSchedule(config.exploration());
    this.exploreRng = Rng.derive(seed, "explore");
    this.replayRng = Rng.derive(seed, "replay");
    if (resume) {
      String latest = checkpoints.latest().orElseThrow(() -> new IOException(
          "nothing to resume: no checkpoint in " + checkpoints.describe()));
      try (DataInputStream in = checkpoints.open(latest)) {
        restore(in);
      }
    } else {
      replay.startEpisode(env.observation(), env.observation().length - frameBytes, learningEpisodes, step);
    }
  }

  /** Trains until the step budget or the return target; returns how it ended. */
  public TrialResult run() throws IOException {
    TrainerLimits limits = new TrainerLimits(config);
    runStartNanos = System.nanoTime();
    listener.onStart(step);
    startInterval();
    byte[] obs = env.observation();
    String stopReason = "max_agent_steps";
    long firstStep = step;
    while (step < limits.maxSteps && !targetReached()) {
      // act: epsilon-greedy; the Q-values are only computed for greedy actions
      double eps = epsilon.at(step);
      int action;
      double qTaken = Double.NaN;
      double qMax = Double.NaN;
      if (exploreRng.nextDouble() < eps) {
        action = exploreRng.nextInt(env.actionCount());
      } else {
        float[] q = learner.qValues(obs);
        action = argMax(q);
        qTaken = q[action];
        qMax = q[action];
      }

      // step the env and store the transition (the frame it led to, once)
      System.arraycopy(obs, obs.length - frameBytes, actFrame, 0, frameBytes);
      Step s = env.step(action);
      obs = env.observation();
      replay.append(action, (float) s.reward(), (float) s.rawReward(), s.terminated(), obs, obs.length - frameBytes,
          step + 1);
      listener.onTransition(new Transition(step, games, action, s.reward(), s.rawReward(), s.terminated(), eps,
          qTaken, qMax, actFrame));
      step++;
      gameRawReturn += s.rawReward();
      gameClippedReturn += s.reward();
      gameLength++;
      if (s.gameDone()) {
        endGame(eps);
      }
      if (s.done()) {
        obs = env.reset();
        learningEpisodes++;
        replay.startEpisode(obs, obs.length - frameBytes, learningEpisodes, step);
      }

      // learn, then sync the target network every C updates
      if (step >= limits.learnStart && step % limits.trainEvery == 0) {
        replay.sample(replayRng, batch);
        DqnLearner.UpdateStats u = learner.update(batch);
        if (!Float.isFinite(u.loss())) {
          throw new TrainingDivergedException("loss is " + u.loss() + " at update " + learner.updates()
              + " (agent step " + step + "): lower learner.lr or enable learner.grad_clip");
        }
        lossSum += u.loss();
        qSum += u.qMean();
        tdSum += u.tdErrorMean();
        intervalUpdates++;
        if (learner.updates() % limits.targetSync == 0) {
          learner.syncTarget();
        }
      }

      // record
      if (step % limits.progressEvery == 0) {
        emitInterval(eps);
      }
      if (limits.evalEvery > 0 && step % limits.evalEvery == 0 && step < limits.maxSteps) {
        evaluate();
      }
      if (limits.checkpointEvery > 0 && step % limits.checkpointEvery == 0 && step < limits.maxSteps) {
        checkpoint();
      }
    }
    if (targetReached()) {
      stopReason = "target_return";
    }
    if (step > firstStep) { // a resumed run that had already finished reports nothing twice
      if (step % limits.progressEvery != 0) {
        emitInterval(epsilon.at(step));
      }
      evaluate();
      checkpoint();
    }
    return new TrialResult(stopReason, step, env.emulatorFrames(), games, learner.updates(), lastEval, bestEval,
        returns.mean10(), wallSeconds(), learner.device().toString());
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
    double[] results = Evaluator.play(learner, config.env(), Rng.derive(config.seed(), "eval-" + step).nextLong(),
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

  private void startInterval() {
    intervalStartNanos = System.nanoTime();
    intervalStartStep = step;
    intervalStartUpdates = learner.updates();
    lossSum = 0;
    qSum = 0;
    tdSum = 0;
    intervalUpdates = 0;
  }

  private void emitInterval(double eps) {
    double seconds = Math.max(1e-9, (System.nanoTime() - intervalStartNanos) / 1e9);
    double n = Math.max(1, intervalUpdates);
    listener.onTrainInterval(new TrialListener.TrainInterval(step, learner.updates(),
        intervalUpdates == 0 ? Double.NaN : lossSum / n, intervalUpdates == 0 ? Double.NaN : qSum / n,
        intervalUpdates == 0 ? Double.NaN : tdSum / n, (learner.updates() - intervalStartUpdates) / seconds,
        (step - intervalStartStep) / seconds, eps));
    startInterval();
  }

  private double wallSeconds() {
    return wallSecondsBefore + (System.nanoTime() - runStartNanos) / 1e9;
  }

  private void checkpoint() throws IOException {
    listener.onCommit(step);
    String path = checkpoints.write(step, this::save);
    listener.onCheckpoint(new TrialListener.Checkpoint(step, path));
  }

  /**
   * Everything needed to continue exactly, in sections: format and config, the loop's counters and generators
   * (length-prefixed, so readers of the policy alone can skip them), the learner, the env, the replay.
   */
  private void save(DataOutputStream out) throws IOException {
    out.writeInt(CHECKPOINT_FORMAT);
    out.writeUTF(resumeKey());
    ByteArrayOutputStream counters = new ByteArrayOutputStream();
    DataOutputStream c = new DataOutputStream(counters);
    c.writeLong(step);
    c.writeLong(games);
    c.writeLong(learningEpisodes);
    c.writeDouble(gameRawReturn);
    c.writeDouble(gameClippedReturn);
    c.writeLong(gameLength);
    returns.save(c);
    c.writeDouble(wallSeconds());
    c.writeDouble(bestEval);
    c.writeDouble(lastEval);
    c.writeLong(exploreRng.state());
    c.writeLong(replayRng.state());
    out.writeInt(counters.size());
    counters.writeTo(out);
    learner.save(out);
    env.saveState(out);
    out.writeBoolean(config.replay().inCheckpoint());
    if (config.replay().inCheckpoint()) {
      replay.write(out, checkpoints.segmentsToWrite(step));
    }
  }

  private void restore(DataInputStream in) throws IOException {
    String saved = readHeader(in);
    if (!saved.equals(resumeKey())) {
      throw new IOException("the checkpoint was written with another config; resume with the same config and "
          + "--set overrides (only trainer.* may change), or train into a new output folder. Checkpoint config:\n"
          + saved);
    }
    in.readInt(); // counters length
    step = in.readLong();
    games = in.readLong();
    learningEpisodes = in.readLong();
    gameRawReturn = in.readDouble();
    gameClippedReturn = in.readDouble();
    gameLength = in.readLong();
    returns.load(in);
    wallSecondsBefore = in.readDouble();
    bestEval = in.readDouble();
    lastEval = in.readDouble();
    exploreRng.setState(in.readLong());
    replayRng.setState(in.readLong());
    learner.load(in);
    env.loadState(in);
    if (in.readBoolean()) {
      replay.restore(in, checkpoints.segmentsToRestore(step));
    } else {
      byte[] obs = env.observation(); // the replay refills from here: a new learning episode starts
      replay.startEpisode(obs, obs.length - frameBytes, ++learningEpisodes, step);
    }
  }

  private static String readHeader(DataInputStream in) throws IOException {
    int format = in.readInt();
    if (format != CHECKPOINT_FORMAT) {
      throw new IOException("not a checkpoint of format " + CHECKPOINT_FORMAT + " (found " + format + ")");
    }
    return in.readUTF();
  }

  /** The trained policy, owned by this trainer (closed with it), e.g. for a trial's artifacts after {@link #run}. */
  public Policy policy() {
    return new Policy(config, learner);
  }

  /** A trained policy read from a checkpoint: its config (trainer settings at defaults) and its learner. */
  public record Policy(TrialConfig config, DqnLearner learner) implements AutoCloseable {
    /**
     * The policy alone (config and learner, no replay or env state), in the checkpoint format that
     * {@link #loadPolicy} and {@code bin/dqn play} read: the model artifact of a trial.
     */
    public void write(DataOutputStream out) throws IOException {
      out.writeInt(CHECKPOINT_FORMAT);
      out.writeUTF(Yaml.write(Configs.toMap(config)));
      out.writeInt(0); // no counters
      learner.save(out);
      out.flush();
    }

    @Override
    public void close() {
      learner.close();
    }
  }

  /** Reads the config and learner of a checkpoint, skipping the rest (for play and scoring). */
  public static Policy loadPolicy(DataInputStream in, Device device) throws IOException {
    TrialConfig config = TrialConfig.parse(Yaml.parse(readHeader(in), "checkpoint"), "checkpoint", List.of());
    in.skipNBytes(in.readInt());
    try (Env env = Envs.make(config.env(), 0, false)) {
      DqnLearner learner = new DqnLearner(config.learner(), config.network(), env.observationShape(),
          env.observationType(), env.actionCount(), device, config.seed());
      try {
        learner.load(in);
      } catch (IOException | RuntimeException e) {
        learner.close();
        throw e;
      }
      return new Policy(config, learner);
    }
  }

  /** The config a checkpoint must match to be resumed: all of it but the trainer's budget and cadence. */
  private String resumeKey() {
    Map<String, Object> tree = Configs.toMap(config);
    tree.remove("trainer");
    return Yaml.write(tree);
  }

  /** Agent steps taken so far. */
  public long step() {
    return step;
  }

  /** The index of the largest value (the first on ties): the greedy action. */
  public static int argMax(float[] q) {
    int best = 0;
    for (int a = 1; a < q.length; a++) {
      if (q[a] > q[best]) {
        best = a;
      }
    }
    return best;
  }

  @Override
  public void close() {
    learner.close();
    env.close();
  }

  /** Thrown when the loss stops being a finite number: the run cannot recover. */
  public static final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
      super(message);
    }
  }

  /** Step-like settings of the run, each in its unit. */
  private record TrainerLimits(long maxSteps, long learnStart, int trainEvery, int targetSync, long progressEvery,
      long evalEvery, long checkpointEvery) {
    TrainerLimits(TrialConfig c) {
      this(c.trainer().maxAgentSteps(), c.learner().learnStartAgentSteps(), c.learner().trainEveryAgentSteps(),
          c.learner().targetSyncEveryUpdates(), c.trainer().progressEveryAgentSteps(),
          c.trainer().evalEveryAgentSteps(), c.trainer().checkpointEveryAgentSteps());
    }
  }
}
