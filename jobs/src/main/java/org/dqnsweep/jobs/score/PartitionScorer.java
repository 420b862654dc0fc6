package org.dqnsweep.jobs.score;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dqnsweep.config.DeviceSetting;
import org.dqnsweep.replay.FrameReplayBuffer;
import org.dqnsweep.train.Agent;
import org.dqnsweep.train.PolicyFile;
import org.dqnsweep.util.Torch;

/**
 * Q-values of stored transitions, one Spark partition at a time: loads the policy once per partition, rebuilds
 * each state by stacking the stored frames by index (oldest first, restarting at each game and after each
 * {@code done}, where the agent's frame stack was refilled with its first frame), and runs the network on batches.
 * This is what the {@code ai.djl.spark} extension would do; it is not on Maven Central here, so it is done directly.
 * Input rows: (episode, step, action, done, frame), sorted by episode and step within the partition.
 */
public final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
  private static final long serialVersionUID = 1L;

  private final String checkpoint;
  private final int batchSize;

  /** @param checkpoint a checkpoint or model file (any Hadoop URI) */
  public PartitionScorer(String checkpoint, int batchSize) {
    this.checkpoint = checkpoint;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) throws IOException {
    if (!rows.hasNext()) {
      return List.<Row>of().iterator();
    }
    TaskContext task = TaskContext.get();
    Path path = new Path(checkpoint);
    List<Row> out = new ArrayList<>();
    try (InputStream in = path.getFileSystem(new Configuration()).open(path);
        PolicyFile.Policy policy = PolicyFile.read(new DataInputStream(in),
            Torch.select(DeviceSetting.CPU, task == null ? 1 : Math.max(1, task.cpus())))) {
      int stack = policy.config().env().frameStack();
      Batch batch = null;
      FrameReplayBuffer frames = null; // the stored frames, stacked by index as the learner's replay stacks them
      long episode = Long.MIN_VALUE;
      boolean restart = true;
      while (rows.hasNext()) {
        Row r = rows.next();
        byte[] frame = r.getAs("frame");
        if (frame == null) {
          throw new IllegalArgumentException("transition at step " + r.getAs("step") + " has no frame: score a "
              + "sweep run with transitions.frames: all");
        }
        if (batch == null) {
          batch = new Batch(batchSize, stack * frame.length);
          frames = new FrameReplayBuffer(stack + 2, frame.length, stack);
        }
        long ep = r.getAs("episode");
        if (ep != episode || restart) { // a new game, or a new learning episode after a done
          episode = ep;
          frames.startEpisode(frame);
        } else {
          frames.append(0, 0, false, frame); // only the frames matter for stacking
        }
        frames.stackNewest(batch.states, batch.n * stack * frame.length);
        batch.keys.add(r);
        batch.n++;
        restart = r.getAs("done");
        if (batch.n == batchSize) {
          batch.flush(policy, out);
        }
      }
      if (batch != null) {
        batch.flush(policy, out);
      }
    }
    return out.iterator();
  }

  /** States waiting for one forward pass, with the rows they came from. */
  private static final class Batch {
    final byte[] states;
    final List<Row> keys = new ArrayList<>();
    int n;

    Batch(int size, int stateBytes) {
      this.states = new byte[size * stateBytes];
    }

    void flush(PolicyFile.Policy policy, List<Row> out) {
      if (n == 0) {
        return;
      }
      float[][] q = policy.learner().qValues(states, n);
      for (int i = 0; i < n; i++) {
        Row r = keys.get(i);
        int action = r.getAs("action");
        int greedy = Agent.argMax(q[i]);
        out.add(RowFactory.create(r.getAs("episode"), r.getAs("step"), action, q[i], (double) q[i][greedy],
            (double) q[i][action], greedy));
      }
      keys.clear();
      n = 0;
    }
  }
}
