package org.dqnsweep.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dqnsweep.storage.Storage;
import org.dqnsweep.replay.FrameReplayBuffer;

/**
 * Checkpoint files of one run at the root of its storage: {@code ckpt-<agent step>.bin}, written atomically, then
 * {@code LATEST} naming it, then older checkpoints pruned (the newest {@code keep} stay). A crash at any point
 * leaves only complete checkpoint files; LATEST names the newest, and where a FileSystem cannot replace it
 * atomically and it is missing, the newest file is taken.
 *
 * <p>Replay frames live beside them in {@code replay/seg-<segment>-<agent step>.bin}: a checkpoint writes a new
 * version of each segment that changed since the previous checkpoint, and the checkpoint of step S reads, for
 * each segment, the newest version at or before S. Versions no kept checkpoint reads are deleted after each
 * write, and versions after the step a run resumes from (a checkpoint that crashed half-written) when it resumes.
 */
public final class Checkpoints {
  private static final String LATEST = "LATEST";
  private static final String REPLAY = "replay";
  private static final Pattern SEGMENT_FILE = Pattern.compile("seg-(\\d{6})-(\\d{12})\\.bin");
  private final Storage storage;
  private final int keep;

  /** Writes one checkpoint's content. */
  public interface Content {
    void write(DataOutputStream out) throws IOException;
  }

  public Checkpoints(Storage storage, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one checkpoint");
    }
    this.storage = storage;
    this.keep = keep;
  }

  /** Writes the checkpoint of {@code step} and makes it the latest; returns its path. */
  public String write(long step, Content content) throws IOException {
    String name = String.format(Locale.ROOT, "ckpt-%012d.bin", step);
    String path = name;
    storage.writeAtomically(path, out -> {
      DataOutputStream data = new DataOutputStream(out);
      content.write(data);
      data.flush();
    });
    storage.writeAtomically(LATEST, out -> out.write(name.getBytes(StandardCharsets.UTF_8)));
    List<String> all = files();
    for (int i = 0; i < all.size() - keep; i++) {
      storage.delete(all.get(i));
    }
    List<Long> kept = files().stream().map(Checkpoints::stepOf).toList();
    Map<Integer, List<Long>> versions = segmentVersions();
    for (Map.Entry<Integer, List<Long>> e : versions.entrySet()) {
      Set<Long> read = new HashSet<>();
      for (long k : kept) {
        e.getValue().stream().filter(v -> v <= k).max(Long::compare).ifPresent(read::add);
      }
      for (long v : e.getValue()) {
        if (!read.contains(v)) {
          storage.delete(segmentPath(e.getKey(), v));
        }
      }
    }
    return path;
  }

  /** Where the checkpoint of {@code step} writes replay segments (inside its {@link Content}). */
  public FrameReplayBuffer.SegmentWriter segmentsToWrite(long step) {
    return (index, frames, length) ->
        storage.writeAtomically(segmentPath(index, step), out -> out.write(frames, 0, length));
  }

  /**
   * The replay segments of the checkpoint of {@code step}, for restoring it. First deletes segment versions after
   * {@code step}: only a checkpoint that failed before completing writes them, and the next checkpoint of the
   * resumed run would otherwise take them for its own.
   */
  public FrameReplayBuffer.SegmentReader segmentsToRestore(long step) throws IOException {
    Map<Integer, List<Long>> versions = segmentVersions();
    for (Map.Entry<Integer, List<Long>> e : versions.entrySet()) {
      for (long v : e.getValue()) {
        if (v > step) {
          storage.delete(segmentPath(e.getKey(), v));
        }
      }
    }
    return (index, into, length) -> {
      long version = versions.getOrDefault(index, List.of()).stream().filter(v -> v <= step).max(Long::compare)
          .orElseThrow(() -> new IOException("replay segment " + index + " of the checkpoint of step " + step
              + " is missing from " + storage.describe(REPLAY) + "; train into a new output folder"));
      try (DataInputStream in = new DataInputStream(storage.open(segmentPath(index, version)))) {
        in.readFully(into, 0, length);
      }
    };
  }

  /** Versions (agent steps) of each replay segment on storage, ascending. */
  private Map<Integer, List<Long>> segmentVersions() throws IOException {
    Map<Integer, List<Long>> versions = new TreeMap<>();
    for (String name : storage.list(REPLAY)) {
      Matcher m = SEGMENT_FILE.matcher(name);
      if (m.matches()) {
        versions.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new ArrayList<>()).add(Long.parseLong(m.group(2)));
      }
    }
    return versions;
  }

  private static String segmentPath(int index, long step) {
    return String.format(Locale.ROOT, REPLAY + "/seg-%06d-%012d.bin", index, step);
  }

  private static long stepOf(String checkpointName) {
    return Long.parseLong(checkpointName.substring("ckpt-".length(), checkpointName.length() - ".bin".length()));
  }

  /** The path of the latest complete checkpoint, if any. */
  public Optional<String> latest() throws IOException {
    if (!storage.exists(LATEST)) {
      List<String> all = files();
      return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
    try (InputStream in = storage.open(LATEST)) {
      String name = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!storage.exists(name)) {
        throw new IOException(storage.describe(LATEST) + " names " + name + ", which is missing");
      }
      return Optional.of(name);
    }
  }

  /** Complete checkpoint files, oldest first (names sort by step). */
  private List<String> files() throws IOException {
    List<String> all = storage.list("");
    all.removeIf(n -> !n.startsWith("ckpt-"));
    return all;
  }

  /** Where the checkpoints are, for messages. */
  public String describe() {
    return storage.describe("");
  }

  public DataInputStream open(String path) throws IOException {
    return new DataInputStream(new BufferedInputStream(storage.open(path), 1 << 20));
  }
}
