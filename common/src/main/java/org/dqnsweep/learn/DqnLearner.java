package org.dqnsweep.learn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.dqnsweep.config.LearnerConfig;
import org.dqnsweep.config.NetworkConfig;
import org.dqnsweep.env.ObservationType;
import org.dqnsweep.nn.QNetwork;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.util.CpuKernels;
import org.dqnsweep.util.Rng;
import org.dqnsweep.util.Torch;

/**
 * The DQN learner: an online and a target Q-network, the Bellman target, Huber or MSE loss, Adam. Every call runs
 * in its own NDManager sub-scope, so native memory stays flat over millions of updates; only the networks and the
 * optimizer state live in the learner's root manager.
 */
public final class DqnLearner implements AutoCloseable {
  private final LearnerConfig config;
  private final NDManager root;
  private final QNetwork online;
  private final QNetwork target;
  private final Adam adam;
  private final DataType inputType;
  private final boolean scalesOnSample;
  private final Shape batchShape;
  private final Shape singleShape;
  private final int batchBytes;
  private final ByteBuffer single;
  private ByteBuffer scoring; // grown on demand by the batch qValues
  private final long[] actions;
  private final float[] discounts;
  private final NDArray sums; // loss, mean Q, mean |TD| summed on the device since the last drainTotals()
  private long summed;
  private long updates;

  /**
   * Loss, mean Q of the taken actions and mean absolute TD error, each summed over {@code updates} updates.
   * A non-finite loss anywhere among them makes {@code loss} non-finite.
   */
  public record Totals(long updates, double loss, double qMean, double tdErrorMean) {}

  /**
   * A line to print when CPU updates on {@code device} run without the native CPU passes (a Java Adam loop, the
   * engine's two-op input scaling); empty otherwise.
   */
  public static Optional<String> cpuKernelsHint(Device device) {
    if (Adam.Pass.forDevice(device) != Adam.Pass.JAVA) {
      return Optional.empty();
    }
    return Optional.of("note: the native CPU passes are unavailable on this machine (" + CpuKernels.unavailable()
        .orElseThrow() + "): Adam runs as a Java loop and screens are scaled by two engine ops, so CPU train steps "
        + "are slower (docs/design.md, \"Networks and optimizer\")");
  }

  /**
   * @param observationShape one observation, e.g. [4, 84, 84]
   * @param seed seeds the initial weights
   */
  public DqnLearner(LearnerConfig config, NetworkConfig network, int[] observationShape, ObservationType type,
      int actionCount, Device device, long seed) {
    this.config = config;
    this.root = NDManager.newBaseManager(device);
    Rng init = Rng.derive(seed, "network-init");
    this.online = new QNetwork(network, observationShape, type, actionCount, root, init);
    this.target = new QNetwork(network, observationShape, type, actionCount, root, init);
    target.freeze();
    online.copyTo(target);
    this.adam = new Adam(root, online.parameters(), config.lr(), config.adamEps(), config.gradClip(),
        config.gradClipValue());
    this.inputType = type == ObservationType.UINT8 ? DataType.UINT8 : DataType.FLOAT32;
    this.scalesOnSample = type == ObservationType.UINT8 && CpuKernels.runOn(device);
    long[] batch = new long[observationShape.length + 1];
    long[] one = new long[observationShape.length + 1];
    batch[0] = config.batchSize();
    one[0] = 1;
    int bytes = type.bytes;
    for (int i = 0; i < observationShape.length; i++) {
      batch[i + 1] = observationShape[i];
      one[i + 1] = observationShape[i];
      bytes *= observationShape[i];
    }
    this.batchShape = new Shape(batch);
    this.singleShape = new Shape(one);
    this.batchBytes = bytes * config.batchSize();
    this.single = Torch.inputBuffer(bytes);
    this.actions = new long[config.batchSize()];
    this.discounts = new float[config.batchSize()];
    this.sums = root.zeros(new Shape(3), DataType.FLOAT64);
  }

  /**
   * The batch format {@link #update} takes: screens scaled as the replay gathers them where the native CPU passes
   * run (one pass over the batch instead of a copy and a pass), else the stored bytes (a GPU copies a quarter of the
   * bytes over and scales them there).
   */
  public Batch.Format batchFormat() {
    return scalesOnSample ? Batch.Format.SCALED : Batch.Format.STORED;
  }

  /** An empty batch in this learner's {@link #batchFormat}, for states of {@code stack} frames of {@code frameSize}. */
  public Batch newBatch(int stack, int frameSize) {
    return new Batch(config.batchSize(), stack, frameSize, batchFormat());
  }

  /** Q-values of one observation (for acting). */
  public float[] qValues(byte[] observation) {
    try (NDManager scope = root.newSubManager()) {
      return online.forward(input(scope, single, observation, singleShape), false).toFloatArray();
    }
  }

  /**
   * Q-values of {@code n} observations stored back to back (offline scoring of stored replays); row i holds the
   * action values of observation i.
   */
  public float[][] qValues(byte[] observations, int n) {
    int bytes = single.capacity();
    if (observations.length < n * bytes) {
      throw new IllegalArgumentException(n + " observations need " + n * bytes + " bytes, got " + observations.length);
    }
    if (scoring == null || scoring.capacity() < n * bytes) {
      scoring = Torch.inputBuffer(n * bytes);
    }
    long[] dims = singleShape.getShape().clone();
    dims[0] = n;
    try (NDManager scope = root.newSubManager()) {
      float[] flat = online.forward(input(scope, scoring, observations, new Shape(dims)), false).toFloatArray();
      int actions = flat.length / n;
      float[][] q = new float[n][];
      for (int i = 0; i < n; i++) {
        q[i] = java.util.Arrays.copyOfRange(flat, i * actions, (i + 1) * actions);
      }
      return q;
    }
  }

  /**
   * One gradient step on a sampled batch. Its loss and diagnostics stay on the device (no host sync per update:
   * on a GPU each one would stall the stream) until {@link #drainTotals}. Learners on different threads may update
   * concurrently.
   */
  public void update(Batch batch) {
    if (batch.size != config.batchSize() || batch.size * batch.stateBytes() != batchBytes) {
      throw new IllegalArgumentException("batch of " + batch.size + " states of " + batch.stateBytes()
          + " bytes, learner built for " + config.batchSize() + " of " + batchBytes / config.batchSize());
    }
    if (batch.format == Batch.Format.SCALED && inputType != DataType.UINT8) {
      throw new IllegalArgumentException("a scaled batch holds screens; this learner's observations are floats");
    }
    try (NDManager scope = root.newSubManager()) {
      NDArray s = batchInput(scope, batch.states, batch.format);
      NDArray next = batchInput(scope, batch.nextStates, batch.format);
      for (int i = 0; i < actions.length; i++) {
        actions[i] = batch.actions[i];
      }
      NDArray a = scope.create(actions, new Shape(actions.length, 1));
      NDArray rewards = scope.create(batch.rewards);
      discounts(batch.dones, (float) config.gamma(), discounts);
      // Outside the gradient collector nothing is recorded: the target is a constant.
      NDArray y = bellmanTargets(target.forward(next, false),
          config.doubleDqn() ? online.forward(next, false) : null, rewards, scope.create(discounts));
      // Autograd on this thread only: DJL's GradientCollector allows one per process, which would serialize
      // (or break) trials sharing an executor JVM; PyTorch's grad mode itself is per thread.
      NDArray[] leaves = new NDArray[online.parameters().size()]; // filled by forwardForUpdate
      NDArray q;
      NDArray td;
      NDArray loss;
      JniUtils.setGradMode(true);
      try {
        q = online.forwardForUpdate(s, leaves, scope).gather(a, 1).reshape(actions.length);
        td = q.sub(y);
        loss = config.loss() == LearnerConfig.Loss.HUBER ? huber(td, (float) config.huberDelta()).mean()
            : td.square().mean();
      } finally {
        JniUtils.setGradMode(false);
      }
      // The diagnostics before backward, not after: right after the loss their small ops still find libtorch's code
      // and data in the caches that backward's convolutions sweep (0.12 against 0.25 ms per Nature-CNN update).
      sums.addi(NDArrays.stack(new NDList(loss, q.mean(), td.abs().mean())).toType(DataType.FLOAT64, false));
      JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
      NDArray[] grads = new NDArray[leaves.length];
      for (int i = 0; i < grads.length; i++) {
        grads[i] = leaves[i].getGradient();
      }
      adam.step(online.parameters(), grads);
    }
    updates++;
    summed++;
  }

  /** The totals of the updates since the last call, read from the device in one transfer, then reset. */
  public Totals drainTotals() {
    double[] v = sums.toDoubleArray();
    Totals t = new Totals(summed, v[0], v[1], v[2]);
    sums.set(new double[3]);
    summed = 0;
    return t;
  }

  /**
   * y = r + discount * Q_target(s', a'), with a' = argmax Q_target(s') (DQN) or argmax Q_online(s') (Double DQN,
   * when {@code nextOnline} is given), and each discount from {@link #discounts}.
   */
  static NDArray bellmanTargets(NDArray nextTarget, NDArray nextOnline, NDArray rewards, NDArray discounts) {
    NDArray next = nextOnline == null
        ? nextTarget.max(new int[] {1})
        : nextTarget.gather(nextOnline.argMax(1).reshape(-1, 1), 1).reshape(-1);
    return next.mul(discounts).addi(rewards);
  }

  /**
   * Each transition's discount into {@code out}: gamma * (1 - done), so gamma where it bootstraps from its next
   * state and 0 where it ended the episode. With done 0 or 1, next * discount rounds exactly as
   * (next * (1 - done)) * gamma, in two device ops fewer.
   */
  static void discounts(float[] dones, float gamma, float[] out) {
    for (int i = 0; i < dones.length; i++) {
      out[i] = (1 - dones[i]) * gamma;
    }
  }

  /** Huber loss per element: quadratic within delta of zero, linear outside (DJL has none built in). */
  static NDArray huber(NDArray x, float delta) {
    NDArray abs = x.abs();
    NDArray quadratic = abs.minimum(delta);
    return quadratic.square().muli(0.5f).addi(abs.sub(quadratic).muli(delta));
  }

  /** Hard target update: copy the online network into the target network. */
  public void syncTarget() {
    online.copyTo(target);
  }

  public long updates() {
    return updates;
  }

  /**
   * A batch's states as a tensor over the buffer's own memory on the CPU (a GPU copies them over). A scaled batch is
   * float32 screens laid out channels last, which the network's scaling passes through as they are.
   */
  private NDArray batchInput(NDManager scope, ByteBuffer states, Batch.Format format) {
    if (format == Batch.Format.SCALED) {
      return QNetwork.channelsFirstView(scope.create(states.clear(), QNetwork.channelsLast(batchShape),
          DataType.FLOAT32));
    }
    return scope.create(states.clear(), batchShape, inputType);
  }

  /** {@code shape}'s worth of {@code data}, copied into a reusable direct buffer and handed to the engine. */
  private NDArray input(NDManager scope, ByteBuffer buffer, byte[] data, Shape shape) {
    buffer.clear();
    buffer.put(data, 0, (int) shape.size() * inputType.getNumOfBytes());
    buffer.flip();
    return scope.create(buffer, shape, inputType);
  }

  /** Online and target weights, optimizer moments and the update counter. */
  public void save(DataOutputStream out) throws IOException {
    online.save(out);
    target.save(out);
    adam.save(out);
    out.writeLong(updates);
  }

  public void load(DataInputStream in) throws IOException {
    online.load(in);
    target.load(in);
    adam.load(in);
    updates = in.readLong();
  }

  /** The online network's weights alone: what a model file holds. */
  public void saveNetwork(DataOutputStream out) throws IOException {
    online.save(out);
  }

  /** Reads weights written by {@link #saveNetwork} into the online network (and the target, for consistency). */
  public void loadNetwork(DataInputStream in) throws IOException {
    online.load(in);
    online.copyTo(target);
  }

  public Device device() {
    return root.getDevice();
  }

  @Override
  public void close() {
    root.close();
  }
}
