package org.dqnsweep.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dqnsweep.io.Storage;

/**
 * Checkpoint files of one run at the root of its storage: {@code ckpt-<agent step>.bin}, written atomically, then
 * {@code LATEST} naming it, then older checkpoints pruned (the newest {@code keep} stay). A crash at any point
 * leaves only complete checkpoint files; LATEST names the newest, and where a FileSystem cannot replace it
 * atomically and it is missing, the newest file is taken.
 */
public final class Checkpoints {
  private static final String LATEST = "LATEST";
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
    return path;
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
