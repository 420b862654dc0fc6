package org.dqnsweep.env;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.dqnsweep.util.Rng;

/**
 * gymnasium's {@code CartPole-v1} in Java: the same physics (Euler integration, tau 0.02), the same termination
 * (|x| > 2.4, |theta| > 12 degrees), reward 1 per step, a 500-step limit (truncation), and a start state uniform in
 * [-0.05, 0.05]^4. The observation (x, x_dot, theta, theta_dot) is 4 float32 values in little-endian bytes, so it
 * fits the byte-array {@link Env} and replay.
 */
public final class CartPole implements Env {
  private static final double GRAVITY = 9.8;
  private static final double MASS_CART = 1.0;
  private static final double MASS_POLE = 0.1;
  private static final double TOTAL_MASS = MASS_CART + MASS_POLE;
  private static final double LENGTH = 0.5; // half the pole's length
  private static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
  private static final double FORCE = 10.0;
  private static final double TAU = 0.02;
  private static final double THETA_LIMIT = 12 * 2 * Math.PI / 360;
  private static final double X_LIMIT = 2.4;
  public static final int MAX_STEPS = 500;

  private final Rng rng;
  private final double[] state = new double[4];
  private final byte[] obs = new byte[16];
  private final ByteBuffer view = ByteBuffer.wrap(obs).order(ByteOrder.LITTLE_ENDIAN);
  private int steps;
  private long total;

  public CartPole(Rng rng) {
    this.rng = rng;
  }

  /** Decodes an observation into its 4 floats. */
  public static float[] decode(byte[] obs, int offset) {
    ByteBuffer b = ByteBuffer.wrap(obs, offset, 16).order(ByteOrder.LITTLE_ENDIAN);
    return new float[] {b.getFloat(), b.getFloat(), b.getFloat(), b.getFloat()};
  }

  @Override
  public int[] observationShape() {
    return new int[] {4};
  }

  @Override
  public ObservationType observationType() {
    return ObservationType.FLOAT32;
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
    for (int i = 0; i < 4; i++) {
      state[i] = rng.nextDouble() * 0.1 - 0.05;
    }
    steps = 0;
    return encode();
  }

  @Override
  public Step step(int action) {
    if (action != 0 && action != 1) {
      throw new IllegalArgumentException("CartPole actions are 0 and 1, got " + action);
    }
    double x = state[0];
    double xDot = state[1];
    double theta = state[2];
    double thetaDot = state[3];
    double force = action == 1 ? FORCE : -FORCE;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    double thetaAcc = (GRAVITY * sin - cos * temp)
        / (LENGTH * (4.0 / 3.0 - MASS_POLE * cos * cos / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    state[0] = x + TAU * xDot;
    state[1] = xDot + TAU * xAcc;
    state[2] = theta + TAU * thetaDot;
    state[3] = thetaDot + TAU * thetaAcc;
    steps++;
    total++;
    encode();
    boolean terminated = Math.abs(state[0]) > X_LIMIT || Math.abs(state[2]) > THETA_LIMIT;
    boolean truncated = !terminated && steps >= MAX_STEPS;
    return new Step(1.0, 1.0, terminated, truncated, terminated);
  }

  private byte[] encode() {
    view.clear();
    for (double v : state) {
      view.putFloat((float) v);
    }
    return obs;
  }

  @Override
  public byte[] observation() {
    return obs;
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
    for (double v : state) {
      out.writeDouble(v);
    }
    out.writeInt(steps);
    out.writeLong(total);
    out.writeLong(rng.state());
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    for (int i = 0; i < 4; i++) {
      state[i] = in.readDouble();
    }
    steps = in.readInt();
    total = in.readLong();
    rng.setState(in.readLong());
    encode();
  }

  @Override
  public void close() {}
}
