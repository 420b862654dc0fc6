package org.dqnsweep.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.util.Rng;
import org.junit.jupiter.api.Test;

/** An env saved mid-episode and restored into a fresh instance continues exactly as the original does. */
class EnvStateTest {

  @Test
  void atariChainContinuesIdenticallyAfterRestore() throws IOException {
    EnvConfig c = new EnvConfig("breakout", null, 30, 4, true, true, true, 84, true, 4, 400_000, 0.0);
    checkRestore(() -> Envs.make(c, 8, true), 700, 1500);
  }

  @Test
  void cartPoleContinuesIdenticallyAfterRestore() throws IOException {
    EnvConfig c = EnvConfig.originalScript("cartpole", null);
    checkRestore(() -> Envs.make(c, 8, true), 37, 400);
  }

  private interface Maker {
    Env make();
  }

  private static void checkRestore(Maker maker, int before, int after) throws IOException {
    byte[] saved;
    List<byte[]> expectedObs = new ArrayList<>();
    List<Step> expectedSteps = new ArrayList<>();
    Rng actions = new Rng(4);
    try (Env env = maker.make()) {
      env.reset();
      for (int i = 0; i < before; i++) {
        if (env.step(actions.nextInt(env.actionCount())).done()) {
          env.reset();
        }
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      env.saveState(new DataOutputStream(bytes));
      saved = bytes.toByteArray();
      Rng cont = new Rng(5);
      for (int i = 0; i < after; i++) {
        Step s = env.step(cont.nextInt(env.actionCount()));
        expectedSteps.add(s);
        expectedObs.add(env.observation().clone());
        if (s.done()) {
          env.reset();
          expectedObs.add(env.observation().clone());
        }
      }
    }
    try (Env env = maker.make()) {
      env.reset();
      env.step(0); // some other state, to be overwritten
      env.loadState(new DataInputStream(new ByteArrayInputStream(saved)));
      Rng cont = new Rng(5);
      int o = 0;
      for (int i = 0; i < after; i++) {
        Step s = env.step(cont.nextInt(env.actionCount()));
        assertEquals(expectedSteps.get(i), s, "step " + i);
        assertArrayEquals(expectedObs.get(o++), env.observation(), "observation after step " + i);
        if (s.done()) {
          env.reset();
          assertArrayEquals(expectedObs.get(o++), env.observation(), "reset after step " + i);
        }
      }
    }
  }
}
