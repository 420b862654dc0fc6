package org.dqnsweep.env.atari;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Step;
import org.dqnsweep.env.Wrapper;

/**
 * baselines {@code EpisodicLifeEnv} (training only): a lost life ends the learning episode, but the game goes on;
 * reset only restarts the game after a real game over, otherwise it takes one no-op step.
 */
public final class EpisodicLife extends Wrapper {
  private int lives;
  private boolean realDone = true;

  public EpisodicLife(Env env) {
    super(env);
  }

  @Override
  public Step step(int action) {
    Step step = env.step(action);
    realDone = step.done();
    int now = env.lives();
    boolean lostLife = now < lives && now > 0;
    lives = now;
    return lostLife ? step.withTerminated(true) : step;
  }

  @Override
  public void saveState(DataOutputStream out) throws IOException {
    out.writeInt(lives);
    out.writeBoolean(realDone);
    env.saveState(out);
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    lives = in.readInt();
    realDone = in.readBoolean();
    env.loadState(in);
  }

  @Override
  public byte[] reset() {
    byte[] obs;
    if (realDone) {
      obs = env.reset();
    } else {
      env.step(0);
      obs = env.observation();
    }
    lives = env.lives();
    return obs;
  }
}
