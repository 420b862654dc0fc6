package org.dqnsweep.replay;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.dqnsweep.util.CpuKernels;
import org.dqnsweep.util.Rng;

/**
 * Circular experience replay that stores each frame once and rebuilds stacked states by index at sample time,
 * after Dopamine's {@code circular_replay_buffer.py}.
 *
 * <p>Each slot holds one frame plus the transition taken from it: action, (clipped) reward and done; what an
 * analysis needs beyond that (raw rewards, episode and step ids) lives in the trial's tables. An episode is
 * written as {@link #startEpisode} (its first frame) then one {@link #append} per agent step (the transition and
 * the frame it led to), so the next state of slot {@code i} is always slot
 * {@code i+1} and the last frame of an episode (terminal or truncated) is stored for bootstrapping. Stacks never
 * reach across an episode start (earlier positions repeat the episode's first frame, as baselines' FrameStack
 * does at reset) and never across the write cursor: a slot whose stack would need frames that were already
 * overwritten is not sampled, like Dopamine's invalid range.
 *
 * <p>Frames live in byte-array segments allocated as the buffer fills: 1,000,000 Atari frames take 7.06 GB plus
 * 6 bytes of metadata each; no per-step objects. States are stacked by index in one place ({@code stackSlots}),
 * for sampled batches and for {@link #stackInto}, through which the offline scorer stacks stored frames too.
 */
public final class FrameReplayBuffer {
  private static final int SEGMENT_BITS = 12; // 4096 frames (29 MB of 84x84) per segment
  private static final int SEGMENT = 1 << SEGMENT_BITS;
  private static final byte HAS_TRANSITION = 1;
  private static final byte DONE = 2;
  private static final byte EPISODE_START = 4;
  private static final int FORMAT_VERSION = 3; // 1 held the frames inline, 2 raw rewards and episode/step ids
  private static final int MAGIC = 0x44514E52; // "DQNR"

  private final int capacity;
  private final int frameSize;
  private final int stack;
  private final byte[][] segments;
  private final byte[] flags;
  private final byte[] actions;
  private final float[] rewards;
  private final boolean[] changed; // per segment: frames written since the last write()
  private final int[] stateSlots; // stackInto's scratch
  private int cursor; // next slot to write
  private int size; // slots written, up to capacity
  private boolean open; // an episode is being appended to

  /**
   * @param capacity slots (frames); about one transition each
   * @param frameSize bytes per frame (84*84 for Atari)
   * @param stack frames per state
   */
  public FrameReplayBuffer(int capacity, int frameSize, int stack) {
    if (capacity < stack + 2) {
      throw new IllegalArgumentException("replay capacity must be at least stack + 2 = " + (stack + 2) + ", got " + capacity);
    }
    if (frameSize < 1 || stack < 1) {
      throw new IllegalArgumentException("frameSize and stack must be >= 1");
    }
    if ((long) SEGMENT * frameSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("frames of " + frameSize + " bytes are too large for a segment");
    }
    this.capacity = capacity;
    this.frameSize = frameSize;
    this.stack = stack;
    this.segments = new byte[(capacity + SEGMENT - 1) >>> SEGMENT_BITS][];
    this.changed = new boolean[segments.length];
    this.flags = new byte[capacity];
    this.actions = new byte[capacity];
    this.rewards = new float[capacity];
    this.stateSlots = new int[stack];
  }

  /** Bytes one slot costs when the buffer is full (frame plus metadata). */
  public static long bytesPerSlot(int frameSize) {
    return frameSize + 1L + 1 + 4;
  }

  /** Stores the first frame of a new episode. */
  public void startEpisode(byte[] frame) {
    write(frame, EPISODE_START);
    open = true;
  }

  /**
   * Records the transition taken from the newest frame and stores the frame it led to.
   *
   * @param action the action taken
   * @param reward the (clipped) reward the learner uses
   * @param done whether the transition ended the learning episode (no bootstrap from the next frame)
   * @param nextFrame the frame it led to
   */
  public void append(int action, float reward, boolean done, byte[] nextFrame) {
    if (!open) {
      throw new IllegalStateException("append() before startEpisode(): every episode begins with its first frame");
    }
    if (action < 0 || action > 127) {
      throw new IllegalArgumentException("action out of range [0, 127]: " + action);
    }
    int prev = newest();
    actions[prev] = (byte) action;
    rewards[prev] = reward;
    flags[prev] |= done ? HAS_TRANSITION | DONE : HAS_TRANSITION;
    write(nextFrame, (byte) 0);
  }

  private void write(byte[] frame, byte flag) {
    if (frame.length != frameSize) {
      throw new IllegalArgumentException("frame of " + frame.length + " bytes, buffer built for " + frameSize);
    }
    int slot = cursor;
    byte[] seg = segment(slot);
    changed[slot >>> SEGMENT_BITS] = true;
    System.arraycopy(frame, 0, seg, (slot & (SEGMENT - 1)) * frameSize, frameSize);
    flags[slot] = flag;
    actions[slot] = 0;
    rewards[slot] = 0;
    cursor = cursor + 1 == capacity ? 0 : cursor + 1;
    if (size < capacity) {
      size++;
    }
  }

  private byte[] segment(int slot) {
    int s = slot >>> SEGMENT_BITS;
    byte[] seg = segments[s];
    if (seg == null) {
      int frames = Math.min(SEGMENT, capacity - (s << SEGMENT_BITS));
      seg = new byte[frames * frameSize];
      segments[s] = seg;
    }
    return seg;
  }

  private int newest() {
    return cursor == 0 ? capacity - 1 : cursor - 1;
  }

  private int oldest() {
    return size < capacity ? 0 : cursor;
  }

  /**
   * Whether slot {@code i} can be sampled: it has a transition and its whole state stack is still stored (it
   * reaches the episode start, or k-1 earlier frames, without crossing the oldest slot).
   */
  public boolean isValid(int i) {
    if (i < 0 || i >= size || (flags[i] & HAS_TRANSITION) == 0) {
      return false;
    }
    int oldest = oldest();
    int cur = i;
    for (int j = 1; j < stack; j++) {
      if ((flags[cur] & EPISODE_START) != 0) {
        return true;
      }
      if (cur == oldest) {
        return false;
      }
      cur = cur == 0 ? capacity - 1 : cur - 1;
    }
    return true;
  }

  /**
   * Samples {@code batch.size} valid transitions uniformly (with replacement) into {@code batch}, in its format: a
   * {@link Batch.Format#SCALED} batch is scaled as it is gathered, by a native pass on libtorch's threads.
   */
  public void sample(Rng rng, Batch batch) {
    if (batch.stack != stack || batch.frameSize != frameSize) {
      throw new IllegalArgumentException("batch shape (stack " + batch.stack + ", frame " + batch.frameSize
          + ") does not match the buffer (stack " + stack + ", frame " + frameSize + ")");
    }
    if (size < 2) {
      throw new IllegalStateException("replay holds no transition yet (" + size + " frames)");
    }
    int[] slots = batch.slots;
    int half = batch.size * stack;
    for (int b = 0; b < batch.size; b++) {
      int i;
      int tries = 0;
      do {
        i = rng.nextInt(size);
        if (++tries > 1_000_000) {
          throw new IllegalStateException("no valid transition in 1,000,000 draws from " + size
              + " frames: store more steps before learning starts");
        }
      } while (!isValid(i));
      stackSlots(i, slots, b * stack);
      stackSlots(i + 1 == capacity ? 0 : i + 1, slots, half + b * stack);
      batch.actions[b] = actions[i];
      batch.rewards[b] = rewards[i];
      batch.dones[b] = (flags[i] & DONE) != 0 ? 1f : 0f;
    }
    if (batch.format == Batch.Format.SCALED) {
      CpuKernels.gatherToUnit(segments, SEGMENT_BITS, slots, frameSize, stack, batch.states, batch.nextStates,
          CpuKernels.threads());
      return;
    }
    for (int f = 0; f < slots.length; f++) {
      copyFrame(slots[f], f < half ? batch.states : batch.nextStates, (f < half ? f : f - half) * frameSize);
    }
  }

  /**
   * The slots of the state ending at slot {@code i}, oldest frame first, into {@code dst} at {@code off}: the one
   * place where states are stacked by index.
   */
  private void stackSlots(int i, int[] dst, int off) {
    int cur = i;
    for (int j = stack - 1; j >= 0; j--) {
      dst[off + j] = cur;
      if (j > 0 && (flags[cur] & EPISODE_START) == 0) {
        cur = cur == 0 ? capacity - 1 : cur - 1;
      }
    }
  }

  private void copyFrame(int slot, ByteBuffer dst, int off) {
    dst.put(off, segments[slot >>> SEGMENT_BITS], (slot & (SEGMENT - 1)) * frameSize, frameSize);
  }

  /** Copies the state ending at slot {@code i} (oldest frame first) into {@code dst} at {@code off}. */
  public void stackInto(int i, ByteBuffer dst, int off) {
    stackSlots(i, stateSlots, 0);
    for (int j = 0; j < stack; j++) {
      copyFrame(stateSlots[j], dst, off + j * frameSize);
    }
  }

  /** The newest stored state (the current observation), stacked into {@code dst} at {@code off}. */
  public void stackNewest(byte[] dst, int off) {
    stackInto(newest(), ByteBuffer.wrap(dst), off);
  }

  /**
   * A copy of a recent frame: {@code age} 0 is the newest, 1 the one before it (the frame of the observation the
   * last appended transition was taken from).
   */
  public byte[] copyRecentFrame(int age) {
    if (age < 0 || age >= size) {
      throw new IllegalArgumentException("no frame " + age + " steps back in " + size + " stored frames");
    }
    int slot = Math.floorMod(cursor - 1 - age, capacity);
    byte[] out = new byte[frameSize];
    System.arraycopy(segments[slot >>> SEGMENT_BITS], (slot & (SEGMENT - 1)) * frameSize, out, 0, frameSize);
    return out;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  public int stack() {
    return stack;
  }

  public int frameSize() {
    return frameSize;
  }

  public int action(int slot) {
    return actions[slot];
  }

  public float reward(int slot) {
    return rewards[slot];
  }

  public boolean done(int slot) {
    return (flags[slot] & DONE) != 0;
  }

  /**
   * Where {@link #write} puts the frames, a segment of 4,096 slots at a time, so that a checkpoint rewrites only
   * the segments that changed since the previous one (a quarter of a 7 GB buffer when a quarter of it was
   * replaced) instead of all of them.
   */
  public interface SegmentWriter {
    /** Stores a new version of segment {@code index}: the first {@code length} bytes of {@code frames}. */
    void put(int index, byte[] frames, int length) throws IOException;
  }

  /** Where {@link #restore} reads the frames back. */
  public interface SegmentReader {
    /** Reads the version of segment {@code index} that belongs with the metadata being restored. */
    void get(int index, byte[] into, int length) throws IOException;
  }

  /**
   * Writes the buffer's metadata (filled part only) to {@code out} and the segments written since the last call
   * to {@code store}; {@link #restore} rebuilds the buffer exactly from both.
   */
  public void write(DataOutputStream out, SegmentWriter store) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeInt(capacity);
    out.writeInt(frameSize);
    out.writeInt(stack);
    out.writeInt(cursor);
    out.writeInt(size);
    out.writeBoolean(open);
    out.write(flags, 0, size);
    out.write(actions, 0, size);
    ByteBuffer buf = ByteBuffer.allocate(size * 4);
    buf.asFloatBuffer().put(rewards, 0, size);
    out.write(buf.array(), 0, size * 4);
    for (int s = 0; s * SEGMENT < size; s++) {
      if (changed[s]) {
        store.put(s, segments[s], Math.min(SEGMENT, size - s * SEGMENT) * frameSize);
        changed[s] = false;
      }
    }
  }

  /** Replaces this buffer's content with one written by {@link #write} from a buffer of the same shape. */
  public void restore(DataInputStream in, SegmentReader store) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a replay buffer (bad magic number)");
    }
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException("replay buffer format " + version + " is not supported (expected " + FORMAT_VERSION
          + "): the checkpoint was written by an older version; train into a new output folder");
    }
    int savedCapacity = in.readInt();
    int savedFrame = in.readInt();
    int savedStack = in.readInt();
    if (savedCapacity != capacity || savedFrame != frameSize || savedStack != stack) {
      throw new IOException("saved replay (capacity " + savedCapacity + ", frame " + savedFrame + " bytes, stack "
          + savedStack + ") does not fit this one (" + capacity + ", " + frameSize + ", " + stack + ")");
    }
    cursor = in.readInt();
    size = in.readInt();
    open = in.readBoolean();
    int n = size;
    in.readFully(flags, 0, n);
    in.readFully(actions, 0, n);
    byte[] raw = new byte[n * 4];
    in.readFully(raw, 0, n * 4);
    ByteBuffer.wrap(raw, 0, n * 4).asFloatBuffer().get(rewards, 0, n);
    for (int s = 0; s * SEGMENT < n; s++) {
      int frames = Math.min(SEGMENT, n - s * SEGMENT);
      store.get(s, segment(s << SEGMENT_BITS), frames * frameSize);
    }
    java.util.Arrays.fill(changed, false); // the store holds exactly what is in memory now
  }
}
