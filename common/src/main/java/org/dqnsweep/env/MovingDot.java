package org.dqnsweep.env;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.dqnsweep.util.Rng;

/**
 * A learning check that needs frame history: a dot moves one cell per step along a strip of {@link #WIDTH} pixels,
 * bouncing off both ends, and the agent is paid for naming the direction of the dot's next move (+1 right, -1
 * wrong). One frame shows only where the dot is, so away from the ends the direction is a coin flip; two or more
 * stacked frames, oldest first, show it exactly. A game is {@link #STEPS} steps from a random position and
 * direction: the best return with a stack is about {@code STEPS - 1} (the first step sees one frame), with one frame
 * about {@code STEPS / 4}. Frames are uint8 (255 at the dot), so the observation goes through the same frame stack,
 * replay stacking and uint8 input as Atari screens.
 */
public final class MovingDot implements Env {
  public static final int WIDTH = 8;
  public static final int STEPS = 32;
  private final Rng rng;
  private final byte[] frame = new byte[WIDTH];
  private int position;
  private int velocity;
  private int steps;
  private long total;

  public MovingDot(Rng rng) {
    this.rng = rng;
  }

  @Override
  public int[] observationShape() {
    return new int[] {1, WIDTH};
  }

  @Override
  public int actionCount() {
    return 2;
  }

  @Override
  public List<String> actionMeanings() {
    return List.of("LEFT", "RIGHT");
  }

  @Override
  public byte[] reset() {
    position = rng.nextInt(WIDTH);
    velocity = rng.nextInt(2) == 0 ? -1 : 1;
    bounce();
    steps = 0;
    return draw();
  }

  /** At an end the dot must turn back: its next move is known from the position alone. */
  private void bounce() {
    if (position + velocity < 0 || position + velocity >= WIDTH) {
      velocity = -velocity;
    }
  }

  @Override
  public Step step(int action) {
    if (action != 0 && action != 1) {
      throw new IllegalArgumentException("moving_dot actions are 0 (left) and 1 (right), got " + action);
    }
    double reward = (action == 1) == (velocity > 0) ? 1 : -1;
    position += velocity;
    bounce();
    steps++;
    total++;
    draw();
    boolean over = steps >= STEPS;
    return new Step(reward, reward, over, false, over);
  }

  private byte[] draw() {
    Arrays.fill(frame, (byte) 0);
    frame[position] = (byte) 255;
    return frame;
  }

  @Override
  public byte[] observation() {
    return frame;
  }

  @Override
  public int lives() {
    return 0;
  }

  @Override
  public long emulatorFrames() {
    return total;
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.writeInt(position);
    out.writeInt(velocity);
    out.writeInt(steps);
    out.writeLong(total);
    out.writeLong(rng.state());
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    position = in.readInt();
    velocity = in.readInt();
    steps = in.readInt();
    total = in.readLong();
    rng.setState(in.readLong());
    draw();
  }

  @Override
  public void close() {}
}
