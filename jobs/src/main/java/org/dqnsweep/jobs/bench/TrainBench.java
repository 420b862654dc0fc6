package org.dqnsweep.jobs.bench;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dqnsweep.config.TrialConfig;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Envs;
import org.dqnsweep.io.LocalStorage;
import org.dqnsweep.learn.DqnLearner;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.replay.FrameReplayBuffer;
import org.dqnsweep.train.Trainer;
import org.dqnsweep.train.TrialListener;
import org.dqnsweep.util.Rng;
import org.dqnsweep.util.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dqn bench train}: the whole training loop on a config, end to end, against the bound its parts allow:
 * measured separately in the same process, an env step, an act, a replay sample and a train step give
 * 1 / (env + greedy share * act + (sample + train) / train_every) agent steps per second.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Agent steps/s of the training loop once learning runs, and how close it gets to its parts' bound.")
public final class TrainBench implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "Trial config, e.g. conf/trials/pong-seed.yaml.")
  Path config;

  @Option(names = "--steps", defaultValue = "3000", description = "Timed agent steps after learning starts (default: ${DEFAULT-VALUE}).")
  long steps;

  @Option(names = "--learn-start", defaultValue = "2000", description = "Agent steps before learning, replacing the config's (default: ${DEFAULT-VALUE}).")
  long learnStart;

  @Option(names = "--set", description = "Override a setting: key.path=value (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> sets = new ArrayList<>(overrides);
    sets.add("learner.learn_start_agent_steps=" + learnStart);
    sets.add("trainer.max_agent_steps=" + (learnStart + steps));
    sets.add("trainer.eval_episodes=0");
    sets.add("trainer.checkpoint_every_agent_steps=0");
    sets.add("trainer.progress_every_agent_steps=" + (learnStart + steps));
    TrialConfig trial = TrialConfig.load(config, sets);
    Device device = Torch.select(trial.trainer().device(), trial.trainer().threads());

    Timer timer = new Timer(learnStart);
    Path dir = java.nio.file.Files.createTempDirectory("dqn-bench-train");
    try (Trainer trainer = new Trainer(trial, device, new LocalStorage(dir), false, timer)) {
      trainer.run();
    } finally {
      deleteTree(dir);
    }
    double achieved = steps / ((timer.end - timer.start) / 1e9);
    double greedy = 1 - timer.epsilonSum / steps;

    // The parts, alone.
    double envMs;
    double actMs;
    double sampleMs;
    double trainMs;
    try (Env env = Envs.make(trial.env(), 7, true)) {
      Rng rng = new Rng(3);
      env.reset();
      int n = 2000;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (env.step(rng.nextInt(env.actionCount())).done()) {
          env.reset();
        }
      }
      envMs = (System.nanoTime() - t0) / 1e6 / n;
      int stack = trial.isCartPole() ? 1 : trial.env().frameStack();
      int frame = env.observation().length / stack;
      FrameReplayBuffer replay = new FrameReplayBuffer(trial.replay().capacity(), frame, stack);
      byte[] obs = env.reset().clone();
      replay.startEpisode(obs, obs.length - frame, 0, 0);
      int fill = (int) Math.min(trial.replay().capacity() - 1, learnStart + steps);
      for (int i = 1; i <= fill; i++) {
        obs[obs.length - 1 - (i % frame)] = (byte) i;
        replay.append(rng.nextInt(env.actionCount()), 0, 0, i % 1000 == 0, obs, obs.length - frame, i);
      }
      Batch batch = new Batch(trial.learner().batchSize(), stack, frame);
      try (DqnLearner learner = new DqnLearner(trial.learner(), trial.network(), env.observationShape(),
          env.observationType(), env.actionCount(), device, 1)) {
        for (int i = 0; i < 20; i++) {
          replay.sample(rng, batch);
          learner.update(batch);
          learner.qValues(obs);
        }
        int k = 200;
        long t1 = System.nanoTime();
        for (int i = 0; i < k; i++) {
          learner.qValues(obs);
        }
        actMs = (System.nanoTime() - t1) / 1e6 / k;
        long t2 = System.nanoTime();
        for (int i = 0; i < k; i++) {
          replay.sample(rng, batch);
        }
        sampleMs = (System.nanoTime() - t2) / 1e6 / k;
        long t3 = System.nanoTime();
        for (int i = 0; i < k; i++) {
          learner.update(batch);
        }
        trainMs = (System.nanoTime() - t3) / 1e6 / k;
      }
    }
    int every = trial.learner().trainEveryAgentSteps();
    double boundMs = envMs + greedy * actMs + (sampleMs + trainMs) / every;
    double bound = 1000 / boundMs;
    Figures f = new Figures(System.out);
    f.print("train_agent_steps_per_s", achieved);
    f.print("learner_bound_steps_per_s", bound);
    f.print("loop_efficiency", achieved / bound);
    f.print("env_step_ms", envMs);
    f.print("act_ms", actMs);
    f.print("sample_ms", sampleMs);
    f.print("train_step_ms", trainMs);
    f.print("greedy_share", greedy);
    System.out.printf("%n%s: %d agent steps with learning ran at %.0f steps/s; its parts allow %.0f (env %.3f ms + "
            + "%.0f%% greedy x act %.3f ms + (sample %.3f + train %.3f ms) / %d).%n", config, steps, achieved, bound,
        envMs, greedy * 100, actMs, sampleMs, trainMs, every);
    return 0;
  }

  /** Times the agent steps after learning starts and averages epsilon over them. */
  private static final class Timer implements TrialListener {
    private final long from;
    long start;
    long end;
    double epsilonSum;

    Timer(long from) {
      this.from = from;
    }

    @Override
    public void onTransition(Transition t) {
      if (t.step() == from) {
        start = System.nanoTime();
      }
      if (t.step() >= from) {
        epsilonSum += t.epsilon();
        end = System.nanoTime();
      }
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }
}
