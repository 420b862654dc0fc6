package org.dqnsweep.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.env.atari.AtariEnvs;
import org.dqnsweep.env.atari.NoopReset;
import org.dqnsweep.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real emulator, with the ROMs of the project venv's ale-py. */
class AleEnvTest {

  @Test
  void pongMatchesGymNoFrameskipV4() {
    try (AleEnv env = new AleEnv(Roms.find("pong", null), 0, 0.0, 400_000)) {
      assertEquals(List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"), env.actionMeanings());
      assertArrayEquals(new int[] {210, 160}, env.observationShape());
      assertEquals(210 * 160, env.reset().length);
      env.step(0);
      assertEquals(1, env.episodeFrames(), "one emulator frame per raw step");
    }
  }

  @Test
  void truncatesAtTheFrameLimitWithoutAGameOver() {
    try (AleEnv env = new AleEnv(Roms.find("pong", null), 0, 0.0, 100)) {
      env.reset();
      Step s = null;
      for (int i = 0; i < 100; i++) {
        s = env.step(0);
        assertEquals(i == 99, s.truncated(), "frame " + (i + 1));
      }
      assertFalse(s.gameOver());
      assertTrue(s.done());
    }
  }

  @Test
  void preprocessedObservationsHaveTheStackedShape() {
    for (int k : new int[] {1, 4}) {
      EnvConfig c = withStack(EnvConfig.ORIGINAL_SCRIPT, k);
      try (Env env = AtariEnvs.make(c, 1, true)) {
        assertArrayEquals(new int[] {k, 84, 84}, env.observationShape());
        assertEquals(k * 84 * 84, env.reset().length);
        env.step(2);
        assertEquals(k * 84 * 84, env.observation().length);
      }
    }
  }

  @Test
  void sameSeedAndActionsGiveTheSameEpisode() {
    long[] a = playHash(11, 300);
    assertArrayEquals(a, playHash(11, 300));
    assertFalse(Arrays.equals(a, playHash(12, 300)), "another seed draws other no-op starts");
  }

  private static long[] playHash(long seed, int steps) {
    try (Env env = AtariEnvs.make(EnvConfig.ORIGINAL_SCRIPT, seed, true)) {
      Rng actions = new Rng(99);
      long[] out = new long[2];
      env.reset();
      out[0] = Arrays.hashCode(env.observation());
      for (int i = 0; i < steps; i++) {
        Step s = env.step(actions.nextInt(env.actionCount()));
        out[0] = 31 * out[0] + Arrays.hashCode(env.observation());
        out[1] += (long) s.rawReward();
        if (s.done()) {
          env.reset();
        }
      }
      return out;
    }
  }

  @Test
  void rewardsAreClippedForLearningAndRawForReports() {
    // Pong scores +-1 per point, so clipped and raw agree; what we check is that both are reported and the
    // game is lost point by point by an agent that does nothing.
    try (Env env = AtariEnvs.make(EnvConfig.ORIGINAL_SCRIPT, 3, true)) {
      env.reset();
      int points = 0;
      for (int i = 0; i < 400 && points == 0; i++) {
        Step s = env.step(0);
        if (s.rawReward() != 0) {
          assertEquals(Math.signum(s.rawReward()), s.reward());
          points++;
        }
      }
      assertEquals(1, points, "an idle agent loses a point within 400 agent steps");
    }
  }

  @Test
  void breakoutHasLivesAndEpisodicLifeEndsLearningEpisodesOnLifeLoss() {
    EnvConfig c = EnvConfig.originalScript("breakout", null);
    try (Env env = AtariEnvs.make(c, 5, true)) {
      env.reset();
      assertEquals(5, env.lives());
      assertEquals("FIRE", env.actionMeanings().get(1));
      Step s;
      int steps = 0;
      do {
        s = env.step(0); // never moving: the ball is lost
        steps++;
      } while (!s.done() && steps < 5000);
      assertTrue(s.terminated(), "a lost life ends the learning episode");
      assertFalse(s.gameOver(), "but not the game");
      assertEquals(4, env.lives());
    }
  }

  @Test
  void noopResetDrawsStartsFromItsOwnSeededGenerator() {
    try (Env a = AtariEnvs.make(EnvConfig.ORIGINAL_SCRIPT, 21, true);
        Env b = AtariEnvs.make(EnvConfig.ORIGINAL_SCRIPT, 21, true)) {
      NoopReset na = a.unwrap(NoopReset.class);
      NoopReset nb = b.unwrap(NoopReset.class);
      assertNotNull(na);
      for (int i = 0; i < 5; i++) {
        a.reset();
        b.reset();
        assertEquals(na.lastNoops(), nb.lastNoops());
      }
    }
  }

  @Test
  void missingRomIsAClearErrorNamingWhereItLooked(@TempDir Path dir) {
    Roms.RomNotFoundException e =
        assertThrows(Roms.RomNotFoundException.class, () -> Roms.find("pong", dir.toString()));
    assertTrue(e.getMessage().contains(dir.resolve("pong.bin").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("--rom-dir"), e.getMessage());
  }

  @Test
  void unknownGameNamesTheGamesThatExist() {
    Roms.RomNotFoundException e =
        assertThrows(Roms.RomNotFoundException.class, () -> Roms.find("NotAGame", null));
    assertTrue(e.getMessage().contains("not_a_game.bin"), e.getMessage());
    assertTrue(e.getMessage().contains("Games found there"), e.getMessage());
  }

  @Test
  void badRomIsRefusedBeforeAleCanExitTheJvm(@TempDir Path dir) throws IOException {
    byte[] junk = new byte[2048];
    new Random(1).nextBytes(junk);
    Files.write(dir.resolve("pong.bin"), junk);
    Roms.RomNotFoundException e =
        assertThrows(Roms.RomNotFoundException.class, () -> new AleEnv(dir.resolve("pong.bin"), 0, 0, 100));
    assertTrue(e.getMessage().contains("not a ROM that ALE 0.7.3 supports"), e.getMessage());
    // Still alive: ALE's loadROM would have called exit(1) and this line would never run.
    try (AleEnv env = new AleEnv(Roms.find("pong", null), 0, 0, 100)) {
      assertEquals(6, env.actionCount());
    }
  }

  @Test
  void romFileNamesFollowAleNaming() {
    assertEquals("pong.bin", Roms.fileName("Pong"));
    assertEquals("pong.bin", Roms.fileName("PongNoFrameskip-v4"));
    assertEquals("space_invaders.bin", Roms.fileName("SpaceInvaders"));
    assertEquals("breakout.bin", Roms.fileName("breakout"));
    assertNotEquals(Roms.fileName("pong"), Roms.fileName("breakout"));
  }

  static EnvConfig withStack(EnvConfig c, int k) {
    return new EnvConfig(c.game(), c.romDir(), c.noopMax(), c.frameSkip(), c.maxPool(), c.episodicLife(),
        c.fireReset(), c.screenSize(), c.clipRewards(), k, c.maxEpisodeFrames(), c.repeatActionProbability());
  }
}
