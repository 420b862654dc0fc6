package org.dqnsweep.env;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * A reinforcement-learning environment with gym semantics and no per-step allocation of observations.
 *
 * <p>Observations are uint8 arrays owned by the environment: {@link #observation()} returns the current one,
 * valid until the next {@code reset} or {@code step}; copy it to keep it. Its layout is {@link #observationShape()}
 * in row-major order (for Atari after preprocessing: {@code [stack, 84, 84]}, oldest frame first).
 */
public interface Env extends AutoCloseable {

  /** Shape of {@link #observation()}, e.g. {@code [210, 160]} raw or {@code [4, 84, 84]} stacked. */
  int[] observationShape();

  /** How the observation's bytes encode numbers. */
  default ObservationType observationType() {
    return ObservationType.UINT8;
  }

  /** Number of discrete actions; actions are {@code 0 .. actionCount()-1}. */
  int actionCount();

  /** Human-readable meaning of each action, in action order (gym's {@code get_action_meanings()}). */
  List<String> actionMeanings();

  /** Starts a new episode and returns its first observation. */
  byte[] reset();

  /** Frames per observation: 1 unless a frame stack wraps the env. */
  default int stack() {
    return 1;
  }

  /**
   * The newest frame of {@link #observation()}: the whole observation for an unstacked env, the last of the stack
   * otherwise. What a frame-once replay stores; owned by the env like the observation.
   */
  default byte[] newestFrame() {
    return observation();
  }

  /** Applies one action and returns what happened; the new observation is {@link #observation()}. */
  Step step(int action);

  /** The current observation (see the class comment for ownership). */
  byte[] observation();

  /** Lives left in the underlying game (0 for games without lives). */
  int lives();

  /** Emulator frames run since this environment was created, over all episodes. */
  long emulatorFrames();

  /**
   * Writes everything needed to continue this env exactly where it is (emulator, wrapper buffers, generators),
   * for checkpoints taken mid-episode.
   */
  void saveState(DataOutputStream out) throws IOException;

  /** Restores a state written by {@link #saveState} on an env built from the same config. */
  void loadState(DataInputStream in) throws IOException;

  /** This env or the first env beneath it (through wrappers) of the given type, or null. */
  default <T> T unwrap(Class<T> type) {
    return type.isInstance(this) ? type.cast(this) : null;
  }

  @Override
  void close();
}
