package org.dqnsweep.env;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/** Base of the preprocessing wrappers: delegates everything to the wrapped env; subclasses override a little. */
public abstract class Wrapper implements Env {
  protected final Env env;

  protected Wrapper(Env env) {
    this.env = env;
  }

  @Override
  public int[] observationShape() {
    return env.observationShape();
  }

  @Override
  public ObservationType observationType() {
    return env.observationType();
  }

  @Override
  public int actionCount() {
    return env.actionCount();
  }

  @Override
  public List<String> actionMeanings() {
    return env.actionMeanings();
  }

  @Override
  public byte[] reset() {
    return env.reset();
  }

  @Override
  public Step step(int action) {
    return env.step(action);
  }

  @Override
  public byte[] observation() {
    return env.observation();
  }

  @Override
  public int stack() {
    return env.stack();
  }

  @Override
  public byte[] newestFrame() {
    return env.newestFrame();
  }

  @Override
  public int lives() {
    return env.lives();
  }

  @Override
  public long emulatorFrames() {
    return env.emulatorFrames();
  }

  /** Saves the wrapped env; wrappers with state of their own save it first, then call this. */
  @Override
  public void saveState(DataOutputStream out) throws IOException {
    env.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    env.loadState(in);
  }

  @Override
  public <T> T unwrap(Class<T> type) {
    return type.isInstance(this) ? type.cast(this) : env.unwrap(type);
  }

  @Override
  public void close() {
    env.close();
  }
}
