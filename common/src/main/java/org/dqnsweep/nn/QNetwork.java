package org.dqnsweep.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.dqnsweep.config.Configs;
import org.dqnsweep.config.NetworkConfig;
import org.dqnsweep.env.ObservationType;
import org.dqnsweep.util.CpuKernels;
import org.dqnsweep.util.FloatIo;
import org.dqnsweep.util.Rng;
import org.dqnsweep.util.Torch;

/**
 * A Q-network as a DJL block: the Nature CNN (conv 32 8x8/4, 64 4x4/2, 64 3x3/1, dense 512) or the NIPS CNN
 * (conv 16 8x8/4, 32 4x4/2, dense 256) for screens, or an MLP for low-dimensional states, with a plain or dueling
 * head. uint8 screens are cast and scaled to [0, 1] inside the block, so they travel to the device as bytes; a
 * batch that the replay scaled as it gathered it on the CPU comes as float32 and passes through.
 */
public final class QNetwork {
  private final SequentialBlock block;
  private final List<Parameter> params = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final ParameterStore store;
  private final LeafStore leafStore;

  /**
   * @param manager long-lived manager that owns the parameters (its device is the network's)
   * @param inputShape one observation's shape, e.g. [4, 84, 84] or [4]
   * @param init generator for the initial weights (PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)))
   */
  public QNetwork(NetworkConfig config, int[] inputShape, ObservationType type, int actions, NDManager manager,
      Rng init) {
    this.block = build(config, inputShape.length, type, actions);
    long[] shape = new long[inputShape.length + 1];
    shape[0] = 1;
    for (int i = 0; i < inputShape.length; i++) {
      shape[i + 1] = inputShape[i];
    }
    block.initialize(manager, DataType.FLOAT32, new Shape(shape));
    for (Pair<String, Parameter> p : block.getParameters()) {
      names.add(p.getKey());
      params.add(p.getValue());
    }
    this.store = new ParameterStore(manager, false);
    this.leafStore = new LeafStore(manager);
    initialize(init);
  }

  private static SequentialBlock build(NetworkConfig config, int inputRank, ObservationType type, int actions) {
    SequentialBlock net = new SequentialBlock();
    int hidden;
    if (config.type().isCnn() && type != ObservationType.UINT8) {
      throw new IllegalArgumentException(Configs.word(config.type()) + " takes uint8 screens");
    }
    if (type == ObservationType.UINT8) {
      net.addSingleton(QNetwork::scaleToUnit, "scale_to_unit");
    }
    switch (config.type()) {
      case NATURE_CNN -> {
        conv(net, 32, 8, 4);
        conv(net, 64, 4, 2);
        conv(net, 64, 3, 1);
        net.add(Blocks.batchFlattenBlock());
        hidden = 512;
      }
      case NIPS_CNN -> {
        conv(net, 16, 8, 4);
        conv(net, 32, 4, 2);
        net.add(Blocks.batchFlattenBlock());
        hidden = 256;
      }
      case MLP -> {
        if (inputRank > 1) { // stacked frames [k, ...]: one vector per observation (CartPole's [4] needs none)
          net.add(Blocks.batchFlattenBlock());
        }
        List<Integer> widths = config.hidden();
        for (int i = 0; i < widths.size() - 1; i++) {
          net.add(Linear.builder().setUnits(widths.get(i)).build()).add(Activation.reluBlock());
        }
        hidden = widths.get(widths.size() - 1);
      }
      default -> throw new IllegalStateException(config.type().toString());
    }
    if (config.dueling()) {
      // Wang et al. 2016: Q = V + A - mean(A), each stream with its own hidden layer
      net.add(new ParallelBlock(
          list -> {
            NDArray v = list.get(0).singletonOrThrow();
            NDArray a = list.get(1).singletonOrThrow();
            return new NDList(v.add(a.sub(a.mean(new int[] {1}, true))));
          },
          List.of(stream(hidden, 1), stream(hidden, actions))));
    } else {
      net.add(stream(hidden, actions));
    }
    return net;
  }

  /**
   * uint8 screens {@code [batch, stack, frame...]} to float32 in [0, 1], x / 255. On the CPU they come out channels
   * last: memory laid out {@link #channelsLast [batch, frame..., stack]}, seen through a view of the same shape as
   * the input. libtorch's oneDNN convolutions take that layout as it is, where they reorder a channels-first input
   * and its gradients on every call (docs/benchmarks.md, "Channels-last convolutions"). One native pass on
   * libtorch's threads ({@link CpuKernels#scaleToUnit}) does the cast, the division and the layout, with the
   * engine's bits. A float32 batch is one the replay already scaled and laid out as it gathered it
   * ({@code Batch.Format.SCALED}); it passes through.
   */
  static NDArray scaleToUnit(NDArray x) {
    if (x.getDataType() == DataType.FLOAT32) {
      return x;
    }
    boolean cpu = Device.Type.CPU.equals(x.getDevice().getDeviceType());
    if (!CpuKernels.runOn(x.getDevice())) {
      NDArray scaled = x.toType(DataType.FLOAT32, false).divi(255f);
      if (!cpu || x.getShape().dimension() < 3) {
        return scaled;
      }
      // reshaping the permuted view to one row per state copies it in that order: the channels-last memory
      NDArray permuted = JniUtils.permute((PtNDArray) scaled, toChannelsLast(x.getShape().dimension()));
      return channelsFirstView(permuted.reshape(x.getShape().get(0), -1).reshape(channelsLast(x.getShape())));
    }
    Shape s = x.getShape();
    int states = Math.toIntExact(s.get(0));
    int channels = s.dimension() < 3 ? 1 : Math.toIntExact(s.get(1));
    NDArray out = x.getManager().create(channelsLast(s), DataType.FLOAT32);
    CpuKernels.scaleToUnit(Torch.memory(x), Torch.memory(out), states, channels,
        Math.toIntExact(s.size() / states / channels), CpuKernels.threads());
    return channelsFirstView(out);
  }

  /** The channels-last memory shape of screens {@code [batch, stack, frame...]}: {@code [batch, frame..., stack]}. */
  public static Shape channelsLast(Shape screens) {
    if (screens.dimension() < 3) {
      return screens;
    }
    long[] dims = new long[screens.dimension()];
    dims[0] = screens.get(0);
    for (int i = 2; i < dims.length; i++) {
      dims[i - 1] = screens.get(i);
    }
    dims[dims.length - 1] = screens.get(1);
    return new Shape(dims);
  }

  /**
   * The {@code [batch, stack, frame...]} view of screens whose memory is laid out {@link #channelsLast}: what the
   * network takes on the CPU.
   */
  public static NDArray channelsFirstView(NDArray channelsLast) {
    int rank = channelsLast.getShape().dimension();
    if (rank < 3) {
      return channelsLast;
    }
    long[] axes = new long[rank];
    axes[1] = rank - 1;
    for (int i = 2; i < rank; i++) {
      axes[i] = i - 1;
    }
    return JniUtils.permute((PtNDArray) channelsLast, axes);
  }

  /** Axes that permute {@code [batch, stack, frame...]} to {@code [batch, frame..., stack]}. */
  private static long[] toChannelsLast(int rank) {
    long[] axes = new long[rank];
    for (int i = 1; i < rank - 1; i++) {
      axes[i] = i + 1;
    }
    axes[rank - 1] = 1;
    return axes;
  }

  /** Adds a conv layer and its ReLU to {@code net} itself (not nested: parameter names stay those of saved files). */
  private static void conv(SequentialBlock net, int filters, int kernel, int stride) {
    net.add(Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
            .setFilters(filters).build())
        .add(Activation.reluBlock());
  }

  private static Block stream(int hidden, int outputs) {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(outputs).build());
  }

  /** PyTorch's default initialization for Linear and Conv2d, drawn from our own seeded generator. */
  private void initialize(Rng rng) {
    double bound = 0;
    for (Parameter p : params) {
      NDArray a = p.getArray();
      Shape s = a.getShape();
      if (s.dimension() >= 2) {
        bound = 1.0 / Math.sqrt((double) s.size() / s.get(0)); // weight: fan_in = all but the output dimension
      }
      float[] v = new float[Math.toIntExact(s.size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound); // a bias takes its layer's weight bound
      }
      a.set(v);
    }
  }

  /** Q-values {@code [batch, actions]} for a batch of observations. */
  public NDArray forward(NDArray observations, boolean training) {
    return block.forward(store, new NDList(observations), training).singletonOrThrow();
  }

  /**
   * Q-values for a gradient step, taking each parameter as a fresh autograd leaf that shares the parameter's
   * memory; {@code leaves[i]} receives parameter i's leaf, which holds the gradient after backward. This is what
   * PyTorch does after {@code zero_grad(set_to_none=True)}: backward hands over a new gradient instead of adding
   * it into a kept one that must then be zeroed (two passes over every weight per update, the dense layer's 6 MB
   * among them). The leaves and their gradients belong to {@code scope}.
   */
  public NDArray forwardForUpdate(NDArray observations, NDArray[] leaves, NDManager scope) {
    for (int i = 0; i < params.size(); i++) {
      NDArray leaf = JniUtils.detachGradient((PtNDArray) params.get(i).getArray());
      leaf.attach(scope);
      JniUtils.attachGradient((PtNDArray) leaf, true);
      leaves[i] = leaf;
      leafStore.leaves.put(params.get(i), leaf);
    }
    try {
      return block.forward(leafStore, new NDList(observations), true).singletonOrThrow();
    } finally {
      leafStore.leaves.clear();
    }
  }

  /** Serves the parameters of one update as the leaves {@link #forwardForUpdate} made for them. */
  private static final class LeafStore extends ParameterStore {
    final Map<Parameter, NDArray> leaves = new IdentityHashMap<>();

    LeafStore(NDManager manager) {
      super(manager, false);
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      NDArray leaf = leaves.get(parameter);
      if (leaf == null) {
        throw new IllegalStateException("no leaf for parameter " + parameter.getName());
      }
      return leaf;
    }
  }

  public List<Parameter> parameters() {
    return params;
  }

  /** Stops gradients for this network (the target network). */
  public void freeze() {
    block.freezeParameters(true);
  }

  /** Copies every parameter into {@code other}, which has the same architecture (target sync). */
  public void copyTo(QNetwork other) {
    for (int i = 0; i < params.size(); i++) {
      params.get(i).getArray().copyTo(other.params.get(i).getArray());
    }
  }

  /** Writes every parameter's values (name, size, float32 values) in block order. */
  public void save(DataOutputStream out) throws IOException {
    out.writeInt(params.size());
    for (int i = 0; i < params.size(); i++) {
      out.writeUTF(names.get(i));
      FloatIo.write(out, params.get(i).getArray().toFloatArray());
    }
  }

  /** Reads values written by {@link #save} into the existing parameters, in place (gradients stay attached). */
  public void load(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n != params.size()) {
      throw new IOException("saved network has " + n + " parameters, this architecture has " + params.size());
    }
    for (int i = 0; i < n; i++) {
      String name = in.readUTF();
      if (!name.equals(names.get(i))) {
        throw new IOException("saved parameter " + name + " does not match " + names.get(i));
      }
      NDArray a = params.get(i).getArray();
      a.set(FloatIo.read(in, a.size(), "parameter " + name));
    }
  }
}
