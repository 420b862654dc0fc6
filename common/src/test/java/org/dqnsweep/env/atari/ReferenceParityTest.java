package org.dqnsweep.env.atari;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.dqnsweep.config.EnvConfig;
import org.dqnsweep.env.Env;
import org.dqnsweep.env.Step;
import org.dqnsweep.util.Venv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our ALE 0.7.3 chain against gymnasium + ale-py's {@code AtariPreprocessing} (noop_max 30, frame_skip 4, 84x84
 * grayscale), run from the project venv by {@code scripts/atari_reference.py}: same ROM, seed, no-op counts and
 * actions must give the same rewards and episode ends, and observations within one gray level.
 *
 * <p>The one known difference is the observation returned on the step that ends a game: gymnasium stops reading
 * the screen when the game ends and returns a stale mix of buffers, baselines (and we) keep the previous pair. It
 * never reaches a learner (the target is masked by done), so terminal observations are counted, not compared.
 */
class ReferenceParityTest {
  private static final int STEPS = 2500;
  private static final int FRAME = 84 * 84;

  @Test
  void matchesGymnasiumAtariPreprocessing(@TempDir Path dir) throws IOException {
    Path fixture = dir.resolve("pong.bin.gz");
    Venv.runScript("atari_reference.py", "fixture", "--rom-game", "pong", "--seed", "123", "--steps",
        Integer.toString(STEPS), "--action-seed", "7", "--out", fixture.toString());
    // AtariPreprocessing as configured by the script: no episodic life, no FIRE on reset, unclipped rewards.
    EnvConfig config = new EnvConfig("pong", null, 30, 4, true, false, false, 84, false, 1, 400_000, 0.0);
    int compared = 0;
    int differing = 0;
    int worst = 0;
    int steps = 0;
    int episodes = 0;
    int terminalObs = 0;
    int terminalDiffering = 0;
    try (Env env = AtariEnvs.make(config, 123, false);
        DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(Files.newInputStream(fixture))))) {
      NoopReset noops = env.unwrap(NoopReset.class);
      skipHeader(in);
      byte[] expected = new byte[FRAME];
      while (true) {
        int tag = in.readUnsignedByte();
        if (tag == 'E') {
          break;
        }
        if (tag == 'R') {
          int n = in.readUnsignedByte();
          le32(in);
          in.readFully(expected);
          noops.overrideNextNoops(n);
          env.reset();
          episodes++;
        } else if (tag == 'S') {
          int action = in.readUnsignedByte();
          float reward = leFloat(in);
          boolean terminated = in.readUnsignedByte() != 0;
          boolean truncated = in.readUnsignedByte() != 0;
          le32(in);
          in.readFully(expected);
          Step s = env.step(action);
          steps++;
          assertEquals(reward, s.rawReward(), "reward at step " + steps);
          assertEquals(terminated, s.terminated(), "terminated at step " + steps);
          assertEquals(truncated, s.truncated(), "truncated at step " + steps);
          if (terminated) {
            terminalObs++;
            terminalDiffering += countDiffering(env.observation(), expected);
            continue;
          }
        } else {
          throw new IOException("bad record tag " + tag);
        }
        byte[] ours = env.observation();
        for (int p = 0; p < FRAME; p++) {
          int d = Math.abs((ours[p] & 0xFF) - (expected[p] & 0xFF));
          if (d > 0) {
            differing++;
            worst = Math.max(worst, d);
          }
        }
        compared++;
      }
    }
    System.out.printf("parity: %d agent steps, %d episodes, %d observations compared, %d pixels differ (%.5f%%), "
            + "max difference %d gray levels; %d terminal observations not compared (%d of their pixels differ)%n",
        steps, episodes, compared, differing, 100.0 * differing / ((double) compared * FRAME), worst, terminalObs,
        terminalDiffering);
    assertEquals(STEPS, steps);
    assertTrue(episodes >= 2, "the run should cross an episode boundary");
    assertTrue(worst <= 1, "max difference " + worst + " gray levels");
  }

  private static int countDiffering(byte[] a, byte[] b) {
    int n = 0;
    for (int p = 0; p < FRAME; p++) {
      n += a[p] != b[p] ? 1 : 0;
    }
    return n;
  }

  private static void skipHeader(DataInputStream in) throws IOException {
    byte[] magic = new byte[8];
    in.readFully(magic);
    assertEquals("ATARIREF", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(1, le32(in), "fixture format version");
    in.skipNBytes(le32(in)); // game name
    in.skipNBytes(8 + 8 + 4 * 5 + 4 + 2 + 2); // seeds, counts, rap, obs shape
    in.skipNBytes(in.readUnsignedByte()); // action set
  }

  private static int le32(InputStream in) throws IOException {
    byte[] b = in.readNBytes(4);
    if (b.length < 4) {
      throw new EOFException();
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static float leFloat(InputStream in) throws IOException {
    return Float.intBitsToFloat(le32(in));
  }
}
