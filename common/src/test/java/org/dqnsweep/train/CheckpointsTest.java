package org.dqnsweep.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.dqnsweep.storage.LocalStorage;
import org.dqnsweep.replay.Batch;
import org.dqnsweep.replay.FrameReplayBuffer;
import org.dqnsweep.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints keep replay frames as segment versions: only changed segments are rewritten, and nothing is lost. */
class CheckpointsTest {
  private static final int SEGMENT = 4096;

  private static long fill(FrameReplayBuffer r, long step, int frames) {
    r.startEpisode(new byte[] {(byte) step, 1});
    for (int t = 1; t < frames; t++) {
      r.append(t % 4, t % 7 == 0 ? 1 : 0, false, new byte[] {(byte) (step + t), (byte) t});
    }
    return step + frames;
  }

  private static void save(Checkpoints c, long step, FrameReplayBuffer r) throws IOException {
    c.write(step, out -> r.write(out, c.segmentsToWrite(step)));
  }

  private static FrameReplayBuffer restore(Checkpoints c) throws IOException {
    String latest = c.latest().orElseThrow();
    long step = Long.parseLong(latest.replaceAll("[^0-9]", ""));
    FrameReplayBuffer back = new FrameReplayBuffer(3 * SEGMENT, 2, 1);
    try (DataInputStream in = c.open(latest)) {
      back.restore(in, c.segmentsToRestore(step));
    }
    return back;
  }

  private static void assertSameSamples(FrameReplayBuffer a, FrameReplayBuffer b) {
    Batch x = new Batch(64, 1, 2);
    Batch y = new Batch(64, 1, 2);
    for (int seed = 1; seed <= 5; seed++) {
      a.sample(new Rng(seed), x);
      b.sample(new Rng(seed), y);
      assertEquals(x.states, y.states);
      assertEquals(x.nextStates, y.nextStates);
      assertArrayEquals(x.actions, y.actions);
      assertArrayEquals(x.rewards, y.rewards);
    }
  }

  @Test
  void onlyChangedSegmentsAreRewrittenAndUnreadVersionsArePruned(@TempDir Path dir) throws IOException {
    LocalStorage storage = new LocalStorage(dir);
    Checkpoints c = new Checkpoints(storage, 2);
    FrameReplayBuffer r = new FrameReplayBuffer(3 * SEGMENT, 2, 1);
    long step = fill(r, 0, 9001); // segments 0, 1 and part of 2
    save(c, 100, r);
    assertEquals(List.of("seg-000000-000000000100.bin", "seg-000001-000000000100.bin",
        "seg-000002-000000000100.bin"), storage.list("replay"));

    step = fill(r, step, 100); // segment 2 only
    save(c, 200, r);
    assertEquals(List.of("seg-000000-000000000100.bin", "seg-000001-000000000100.bin",
        "seg-000002-000000000100.bin", "seg-000002-000000000200.bin"), storage.list("replay"));
    assertSameSamples(r, restore(c));

    fill(r, step, 5000); // the rest of segment 2, then wraps into segment 0
    save(c, 300, r);
    // kept: checkpoints 200 and 300; segment 2's version 100 is read by neither
    assertEquals(List.of("seg-000000-000000000100.bin", "seg-000000-000000000300.bin",
        "seg-000001-000000000100.bin", "seg-000002-000000000200.bin", "seg-000002-000000000300.bin"),
        storage.list("replay"));
    assertSameSamples(r, restore(c));
  }

  @Test
  void resumingDropsSegmentsOfACheckpointThatNeverCompleted(@TempDir Path dir) throws IOException {
    LocalStorage storage = new LocalStorage(dir);
    Checkpoints c = new Checkpoints(storage, 2);
    FrameReplayBuffer r = new FrameReplayBuffer(3 * SEGMENT, 2, 1);
    long step = fill(r, 0, 5000);
    save(c, 100, r);
    fill(r, step, 50);
    // a checkpoint of step 150 dies after writing a segment, before its checkpoint file
    c.segmentsToWrite(150).put(0, new byte[2 * SEGMENT], 2 * SEGMENT);
    assertTrue(storage.exists("replay/seg-000000-000000000150.bin"));

    FrameReplayBuffer resumed = restore(c); // from step 100
    assertEquals(List.of("seg-000000-000000000100.bin", "seg-000001-000000000100.bin"), storage.list("replay"));
    // the resumed run changes segment 1 only; its next checkpoint must not take the dead version of segment 0
    fill(resumed, 5000, 50);
    save(c, 160, resumed);
    assertSameSamples(resumed, restore(c));
  }
}
