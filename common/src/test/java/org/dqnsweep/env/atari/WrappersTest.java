package org.dqnsweep.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dqnsweep.env.Step;
import org.dqnsweep.util.Rng;
import org.junit.jupiter.api.Test;

class WrappersTest {

  @Test
  void noopResetTakesBetweenOneAndMaxNoopsAndCoversTheRange() {
    FakeScreen fake = new FakeScreen(2, 2);
    NoopReset env = new NoopReset(fake, 5, new Rng(3));
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int before = fake.actions.size();
      env.reset();
      int noops = fake.actions.size() - before;
      assertEquals(env.lastNoops(), noops);
      assertTrue(noops >= 1 && noops <= 5, "noops " + noops);
      assertTrue(fake.actions.subList(before, fake.actions.size()).stream().allMatch(a -> a == 0), "only NOOP");
      seen.add(noops);
    }
    assertEquals(Set.of(1, 2, 3, 4, 5), seen);
  }

  @Test
  void noopResetOverrideAppliesToOneResetOnly() {
    FakeScreen fake = new FakeScreen(2, 2);
    NoopReset env = new NoopReset(fake, 30, new Rng(1));
    env.overrideNextNoops(7);
    env.reset();
    assertEquals(7, fake.frame);
    env.reset();
    assertEquals(env.lastNoops(), fake.frame);
  }

  @Test
  void noopResetIsSeeded() {
    int[] a = noopSequence(42);
    assertArrayEquals(a, noopSequence(42));
    assertFalse(java.util.Arrays.equals(a, noopSequence(43)));
  }

  private static int[] noopSequence(long seed) {
    NoopReset env = new NoopReset(new FakeScreen(1, 1), 30, new Rng(seed));
    int[] n = new int[20];
    for (int i = 0; i < n.length; i++) {
      env.reset();
      n[i] = env.lastNoops();
    }
    return n;
  }

  @Test
  void maxAndSkipRepeatsTheActionSumsRewardsAndMaxPoolsTheLastTwoFrames() {
    FakeScreen fake = new FakeScreen(3, 2);
    fake.rewards = new double[] {0, 1, 0, 2, 1, 0, 0, 0, 0};
    MaxAndSkip env = new MaxAndSkip(fake, 4, true);
    env.reset();
    Step s = env.step(3);
    assertEquals(List.of(3, 3, 3, 3), fake.actions);
    assertEquals(4.0, s.reward());
    assertEquals(4.0, s.rawReward());
    // frames 3 and 4 were pooled; pixels equal frame numbers, so the max is 4 everywhere
    for (byte b : env.observation()) {
      assertEquals(4, b);
    }
  }

  @Test
  void maxAndSkipPoolsInGrayscaleNotInPaletteIndices() {
    FakeScreen fake = new FakeScreen(1, 1) {
      @Override
      public byte[] grayscalePalette() {
        byte[] inverted = new byte[256];
        for (int i = 0; i < 256; i++) {
          inverted[i] = (byte) (255 - i);
        }
        return inverted;
      }
    };
    MaxAndSkip env = new MaxAndSkip(fake, 4, true);
    env.reset();
    env.step(0);
    // indices 3 and 4 map to gray 252 and 251: the brighter one (index 3) wins
    assertEquals(252, env.observation()[0] & 0xFF);
  }

  @Test
  void maxAndSkipStopsAtEpisodeEnd() {
    FakeScreen fake = new FakeScreen(1, 1);
    fake.gameOverAt = 2;
    MaxAndSkip env = new MaxAndSkip(fake, 4, true);
    env.reset();
    Step s = env.step(1);
    assertEquals(2, fake.actions.size());
    assertTrue(s.terminated() && s.gameOver());
  }

  @Test
  void maxAndSkipWithoutPoolingReturnsTheLastFrame() {
    FakeScreen fake = new FakeScreen(1, 1);
    MaxAndSkip env = new MaxAndSkip(fake, 3, false);
    env.reset();
    env.step(0);
    env.step(0);
    assertEquals(6, env.observation()[0]);
  }

  @Test
  void fireResetPressesFireThenActionTwo() {
    FakeScreen fake = new FakeScreen(1, 1);
    FireReset env = new FireReset(fake);
    env.reset();
    assertEquals(List.of(1, 2), fake.actions);
    assertEquals(1, fake.resets);
  }

  @Test
  void fireResetRefusesGamesWithoutFire() {
    FakeScreen fake = new FakeScreen(1, 1);
    fake.meanings = List.of("NOOP", "UP", "DOWN");
    assertFalse(FireReset.applies(fake));
    assertThrows(IllegalArgumentException.class, () -> new FireReset(fake));
  }

  @Test
  void episodicLifeEndsTheLearningEpisodeOnLifeLossButNotTheGame() {
    FakeScreen fake = new FakeScreen(1, 1);
    fake.lives = new int[] {3, 3, 2, 2, 2, 1};
    EpisodicLife env = new EpisodicLife(fake);
    env.reset();
    assertFalse(env.step(0).done());
    Step lost = env.step(0); // frame 2: lives 3 -> 2
    assertTrue(lost.terminated());
    assertFalse(lost.gameOver());
    assertFalse(lost.gameDone());
    env.reset(); // not a real reset: one no-op step instead
    assertEquals(1, fake.resets);
    assertEquals(3, fake.frame);
    assertFalse(env.step(0).done());
  }

  @Test
  void episodicLifeResetsForRealAfterGameOver() {
    FakeScreen fake = new FakeScreen(1, 1);
    fake.gameOverAt = 1;
    EpisodicLife env = new EpisodicLife(fake);
    env.reset();
    Step s = env.step(0);
    assertTrue(s.terminated() && s.gameOver());
    env.reset();
    assertEquals(2, fake.resets);
  }

  @Test
  void clipRewardKeepsTheSignAndTheRawScore() {
    FakeScreen fake = new FakeScreen(1, 1);
    fake.rewards = new double[] {0, 5, -3, 0};
    ClipReward env = new ClipReward(fake);
    env.reset();
    Step a = env.step(0);
    Step b = env.step(0);
    Step c = env.step(0);
    assertEquals(1.0, a.reward());
    assertEquals(5.0, a.rawReward());
    assertEquals(-1.0, b.reward());
    assertEquals(-3.0, b.rawReward());
    assertEquals(0.0, c.reward());
  }

  @Test
  void frameStackOrdersOldestFirstAndFillsOnReset() {
    FakeScreen fake = new FakeScreen(1, 2);
    FrameStack env = new FrameStack(fake, 3);
    assertArrayEquals(new int[] {3, 1, 2}, env.observationShape());
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0}, env.reset());
    env.step(0);
    assertArrayEquals(new byte[] {0, 0, 0, 0, 1, 1}, env.observation());
    env.step(0);
    env.step(0);
    assertArrayEquals(new byte[] {1, 1, 2, 2, 3, 3}, env.observation());
    env.reset();
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0}, env.observation());
  }

  @Test
  void warpFrameShrinksToTheConfiguredSize() {
    FakeScreen fake = new FakeScreen(210, 160);
    WarpFrame env = new WarpFrame(fake, 84);
    assertArrayEquals(new int[] {84, 84}, env.observationShape());
    env.reset();
    env.step(0);
    assertEquals(84 * 84, env.observation().length);
    for (byte b : env.observation()) {
      assertEquals(1, b); // the mean of a constant image is that constant
    }
  }
}
