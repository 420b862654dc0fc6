package org.dqnsweep.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.dqnsweep.util.CpuKernels;
import org.dqnsweep.util.Rng;
import org.junit.jupiter.api.Test;

/**
 * Frames in these tests are 2 bytes: (episode, step within episode), so every sampled stack can be checked for
 * which frames it was built from.
 */
class FrameReplayBufferTest {
  private static final int FRAME = 2;

  /** Writes an episode of {@code length} transitions; frame t of episode e is (e, t). */
  private static void episode(FrameReplayBuffer r, int e, int length, boolean terminal, long[] step) {
    r.startEpisode(new byte[] {(byte) e, 0});
    step[0]++;
    for (int t = 1; t <= length; t++) {
      r.append(t % 6, t == length ? 1 : 0, terminal && t == length, new byte[] {(byte) e, (byte) t});
      step[0]++;
    }
  }

  @Test
  void stacksRepeatTheEpisodesFirstFrameInsteadOfCrossingIntoThePreviousEpisode() {
    FrameReplayBuffer r = new FrameReplayBuffer(100, FRAME, 4);
    long[] step = {0};
    episode(r, 1, 5, true, step);
    episode(r, 2, 5, true, step);
    ByteBuffer state = ByteBuffer.allocate(4 * FRAME);
    // slot 6 is episode 2's first frame: all four positions show (2,0)
    r.stackInto(6, state, 0);
    assertArrayEquals(new byte[] {2, 0, 2, 0, 2, 0, 2, 0}, state.array());
    // slot 8 is (2,2): (2,0) (2,0) (2,1) (2,2)
    r.stackInto(8, state, 0);
    assertArrayEquals(new byte[] {2, 0, 2, 0, 2, 1, 2, 2}, state.array());
    // slot 10 is (2,4): four real frames
    r.stackInto(10, state, 0);
    assertArrayEquals(new byte[] {2, 1, 2, 2, 2, 3, 2, 4}, state.array());
  }

  @Test
  void aScaledSampleHoldsTheStoredSampleOver255FromEverySegment() {
    assumeTrue(CpuKernels.builtForThisPlatform(), "the native passes are built for Linux x86_64 only");
    int frame = 1000; // big enough that the gather splits over libtorch's threads
    FrameReplayBuffer r = new FrameReplayBuffer(9000, frame, 4); // three segments, the last one short
    Rng fill = new Rng(11);
    byte[] f = new byte[frame];
    for (int episode = 0; r.size() < r.capacity() || episode < 400; episode++) { // wraps around: slot 0 is not oldest
      randomize(f, fill);
      r.startEpisode(f);
      for (int t = 0, n = 1 + fill.nextInt(60); t < n; t++) {
        randomize(f, fill);
        r.append(fill.nextInt(6), fill.nextInt(3) - 1, t == n - 1, f);
      }
    }
    Batch stored = new Batch(32, 4, frame);
    Batch scaled = new Batch(32, 4, frame, Batch.Format.SCALED);
    int[] segmentsSeen = new int[3];
    for (int round = 0; round < 20; round++) {
      r.sample(new Rng(round), stored);
      r.sample(new Rng(round), scaled);
      assertArrayEquals(stored.actions, scaled.actions);
      assertArrayEquals(stored.rewards, scaled.rewards);
      assertArrayEquals(stored.dones, scaled.dones);
      for (int i = 0; i < stored.states.capacity(); i++) { // stored [32, 4, frame], scaled [32, frame, 4]
        int state = i / (4 * frame);
        int k = i / frame % 4;
        int at = 4 * ((state * frame + i % frame) * 4 + k);
        assertEquals((stored.states.get(i) & 0xff) / 255f, scaled.states.getFloat(at), "state byte " + i);
        assertEquals((stored.nextStates.get(i) & 0xff) / 255f, scaled.nextStates.getFloat(at), "next " + i);
      }
      for (int slot : scaled.slots) {
        segmentsSeen[slot >> 12]++;
      }
    }
    for (int s = 0; s < 3; s++) {
      assertTrue(segmentsSeen[s] > 0, "no frame sampled from segment " + s);
    }
  }

  private static void randomize(byte[] frame, Rng rng) {
    for (int i = 0; i < frame.length; i++) {
      frame[i] = (byte) rng.nextInt(256);
    }
  }

  @Test
  void sampledStatesNeverMixEpisodesAndNextStatesFollowTheirStates() {
    FrameReplayBuffer r = new FrameReplayBuffer(64, FRAME, 4);
    long[] step = {0};
    for (int e = 1; e <= 30; e++) {
      episode(r, e, 1 + e % 7, e % 3 != 0, step);
    }
    Batch b = new Batch(32, 4, FRAME);
    Rng rng = new Rng(5);
    for (int round = 0; round < 200; round++) {
      r.sample(rng, b);
      for (int i = 0; i < b.size; i++) {
        int o = i * 4 * FRAME;
        int episode = b.states.get(o + 3 * FRAME);
        int t = b.states.get(o + 3 * FRAME + 1);
        for (int k = 0; k < 4; k++) {
          assertEquals(episode, b.states.get(o + k * FRAME), "state frame " + k + " from another episode");
          assertEquals(episode, b.nextStates.get(o + k * FRAME), "next-state frame from another episode");
          int expectedT = Math.max(0, t - (3 - k));
          assertEquals(expectedT, b.states.get(o + k * FRAME + 1), "frame order in the stack");
          assertEquals(Math.max(0, t + 1 - (3 - k)), b.nextStates.get(o + k * FRAME + 1), "next state is one step on");
        }
        assertEquals((t + 1) % 6, b.actions[i], "action of the transition");
      }
    }
  }

  @Test
  void rewardsAndDoneFlagsBelongToTheirTransition() {
    FrameReplayBuffer r = new FrameReplayBuffer(16, FRAME, 1);
    long[] step = {0};
    episode(r, 1, 3, true, step); // slots 0..3, transition ends at slot 2
    episode(r, 2, 2, false, step); // truncated: slots 4..6, last transition at slot 5 does not end learning
    assertEquals(1f, r.reward(2));
    assertTrue(r.done(2));
    assertFalse(r.done(5));
    assertTrue(r.isValid(5), "a truncated episode's last transition bootstraps from its stored final frame");
    assertFalse(r.isValid(3), "an episode's final frame starts no transition");
    assertFalse(r.isValid(6), "nor does the newest frame");
    assertArrayEquals(new byte[] {2, 2}, r.copyRecentFrame(0), "the newest frame");
    assertArrayEquals(new byte[] {2, 1}, r.copyRecentFrame(1), "the frame the last transition was taken from");
  }

  @Test
  void afterWrapAroundNoStackReachesAnOverwrittenFrame() {
    int capacity = 50;
    FrameReplayBuffer r = new FrameReplayBuffer(capacity, FRAME, 4);
    long[] step = {0};
    // one long episode wraps the buffer several times: its oldest slots lack their earlier frames
    r.startEpisode(new byte[] {9, 0});
    for (int t = 1; t <= 173; t++) {
      r.append(0, 0, false, new byte[] {9, (byte) t});
    }
    // newest frame t=173 sits at slot 173 % 50 = 23; the oldest is t=124 at slot 24
    int invalid = 0;
    for (int i = 0; i < capacity; i++) {
      if (!r.isValid(i)) {
        invalid++;
      }
    }
    assertEquals(4, invalid, "the newest slot and the 3 oldest (their stacks need overwritten frames)");
    Batch b = new Batch(32, 4, FRAME);
    Rng rng = new Rng(2);
    for (int round = 0; round < 300; round++) {
      r.sample(rng, b);
      for (int i = 0; i < b.size; i++) {
        int o = i * 4 * FRAME;
        int t = b.states.get(o + 3 * FRAME + 1) & 0xFF;
        assertTrue(t >= 127 && t <= 172, "sampled t=" + t);
        for (int k = 0; k < 4; k++) {
          assertEquals((byte) (t - 3 + k), b.states.get(o + k * FRAME + 1), "stale or out-of-order frame");
        }
      }
    }
  }

  @Test
  void samplingIsUniformOverValidTransitions() {
    FrameReplayBuffer r = new FrameReplayBuffer(40, FRAME, 2);
    long[] step = {0};
    episode(r, 1, 9, true, step); // slots 0..9
    episode(r, 2, 9, true, step); // slots 10..19
    int[] counts = new int[40];
    Batch b = new Batch(32, 2, FRAME);
    Rng rng = new Rng(11);
    int draws = 0;
    for (int round = 0; round < 5000; round++) {
      r.sample(rng, b);
      for (int i = 0; i < b.size; i++) {
        int newest = i * 2 * FRAME + FRAME; // frame (e, t) of episode e sits in slot 10 (e - 1) + t
        counts[10 * (b.states.get(newest) - 1) + b.states.get(newest + 1)]++;
        draws++;
      }
    }
    int valid = 0;
    for (int i = 0; i < 40; i++) {
      if (r.isValid(i)) {
        valid++;
      } else {
        assertEquals(0, counts[i], "invalid slot " + i + " was sampled");
      }
    }
    assertEquals(18, valid);
    double expected = (double) draws / valid;
    double chi2 = 0;
    for (int i = 0; i < 40; i++) {
      if (r.isValid(i)) {
        chi2 += Math.pow(counts[i] - expected, 2) / expected;
      }
    }
    // 17 degrees of freedom: the 99.9th percentile is 40.8
    assertTrue(chi2 < 40.8, "chi-square " + chi2 + " says sampling is not uniform");
  }

  @Test
  void sameSeedSamplesTheSameBatch() {
    FrameReplayBuffer r = new FrameReplayBuffer(100, FRAME, 4);
    long[] step = {0};
    episode(r, 1, 60, true, step);
    Batch a = new Batch(32, 4, FRAME);
    Batch b = new Batch(32, 4, FRAME);
    r.sample(new Rng(3), a);
    r.sample(new Rng(3), b);
    assertEquals(a.states, b.states);
    r.sample(new Rng(4), b);
    assertFalse(a.states.equals(b.states));
  }

  @Test
  void saveAndRestoreGivesTheSameBufferAndTheSameSamples() throws IOException {
    FrameReplayBuffer r = new FrameReplayBuffer(30, FRAME, 4);
    long[] step = {0};
    for (int e = 1; e <= 8; e++) {
      episode(r, e, 5, e % 2 == 0, step);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MemoryStore frames = new MemoryStore();
    r.write(new DataOutputStream(bytes), frames);
    FrameReplayBuffer back = new FrameReplayBuffer(30, FRAME, 4);
    back.restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), frames);
    assertEquals(r.size(), back.size());
    Batch a = new Batch(32, 4, FRAME);
    Batch b = new Batch(32, 4, FRAME);
    r.sample(new Rng(8), a);
    back.sample(new Rng(8), b);
    assertEquals(a.states, b.states);
    assertEquals(a.nextStates, b.nextStates);
    assertArrayEquals(a.actions, b.actions);
    assertArrayEquals(a.rewards, b.rewards);
    assertArrayEquals(a.dones, b.dones);
    // and both go on identically
    episode(r, 20, 3, true, new long[] {100});
    episode(back, 20, 3, true, new long[] {100});
    r.sample(new Rng(9), a);
    back.sample(new Rng(9), b);
    assertEquals(a.states, b.states);
  }

  @Test
  void restoreRefusesABufferOfAnotherShape() throws IOException {
    FrameReplayBuffer r = new FrameReplayBuffer(30, FRAME, 4);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MemoryStore frames = new MemoryStore();
    r.write(new DataOutputStream(bytes), frames);
    IOException e = assertThrows(IOException.class, () -> new FrameReplayBuffer(31, FRAME, 4)
        .restore(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), frames));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
  }

  @Test
  void misuseIsRefusedWithAReason() {
    FrameReplayBuffer r = new FrameReplayBuffer(10, FRAME, 4);
    assertThrows(IllegalStateException.class, () -> r.append(0, 0, false, new byte[FRAME]));
    assertThrows(IllegalStateException.class, () -> r.sample(new Rng(1), new Batch(1, 4, FRAME)));
    assertThrows(IllegalArgumentException.class, () -> new FrameReplayBuffer(3, FRAME, 4));
    r.startEpisode(new byte[FRAME]);
    assertThrows(IllegalArgumentException.class, () -> r.append(0, 0, false, new byte[FRAME + 1]));
    r.append(0, 0, false, new byte[FRAME]);
    assertThrows(IllegalArgumentException.class, () -> r.sample(new Rng(1), new Batch(1, 2, FRAME)));
  }

  @Test
  void memoryPerSlotIsTheFramePlusSmallMetadata() {
    assertEquals(84 * 84 + 6, FrameReplayBuffer.bytesPerSlot(84 * 84));
    assertTrue(FrameReplayBuffer.bytesPerSlot(84 * 84) * 1_000_000L <= 7_100_000_000L);
  }

  @Test
  void writeHandsTheStoreOnlySegmentsWrittenSinceTheLastWrite() throws IOException {
    FrameReplayBuffer r = new FrameReplayBuffer(3 * 4096, 2, 1); // three segments of 4,096 two-byte frames
    long[] step = {0};
    episode(r, 1, 9000, true, step); // fills segments 0, 1 and part of 2
    MemoryStore frames = new MemoryStore();
    r.write(new DataOutputStream(new ByteArrayOutputStream()), frames);
    assertEquals(java.util.List.of(0, 1, 2), frames.puts);
    frames.puts.clear();
    r.write(new DataOutputStream(new ByteArrayOutputStream()), frames);
    assertEquals(java.util.List.of(), frames.puts, "nothing changed");
    episode(r, 2, 100, true, step); // lands in segment 2
    r.write(new DataOutputStream(new ByteArrayOutputStream()), frames);
    assertEquals(java.util.List.of(2), frames.puts);
  }

  /** Segments in memory, newest version per index. */
  static final class MemoryStore implements FrameReplayBuffer.SegmentWriter, FrameReplayBuffer.SegmentReader {
    final java.util.Map<Integer, byte[]> segments = new java.util.HashMap<>();
    final java.util.List<Integer> puts = new java.util.ArrayList<>();

    @Override
    public void put(int index, byte[] frames, int length) {
      segments.put(index, java.util.Arrays.copyOf(frames, length));
      puts.add(index);
    }

    @Override
    public void get(int index, byte[] into, int length) {
      System.arraycopy(segments.get(index), 0, into, 0, length);
    }
  }
}
