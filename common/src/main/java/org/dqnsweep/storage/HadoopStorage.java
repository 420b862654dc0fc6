package org.dqnsweep.storage;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** {@link Storage} under any Hadoop FileSystem URI (file://, hdfs://, s3a://): where a sweep's trials keep state. */
public final class HadoopStorage implements Storage {
  private final Path root;
  private final FileSystem fs;

  public HadoopStorage(Path root, Configuration conf) throws IOException {
    this.fs = root.getFileSystem(conf);
    this.root = fs.makeQualified(root);
  }

  private Path resolve(String path) {
    if (path.startsWith("/") || path.contains("..")) {
      throw new IllegalArgumentException("not a relative path inside the storage root: " + path);
    }
    return path.isEmpty() ? root : new Path(root, path);
  }

  /**
   * Writes into a hidden temporary name, then renames. Hadoop's rename does not replace an existing file on every
   * FileSystem, so an existing target is deleted first: a crash in between leaves the target missing, never torn
   * (checkpoint readers fall back to listing the complete files).
   */
  @Override
  public void writeAtomically(String path, Writer writer) throws IOException {
    Path target = resolve(path);
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try (OutputStream out = new BufferedOutputStream(fs.create(tmp, false), 1 << 20)) {
      writer.write(out);
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, false);
      throw e;
    }
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  @Override
  public InputStream open(String path) throws IOException {
    return fs.open(resolve(path));
  }

  @Override
  public boolean exists(String path) throws IOException {
    return fs.exists(resolve(path));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    List<String> names = new ArrayList<>();
    try {
      for (FileStatus f : fs.listStatus(resolve(dir))) {
        String name = f.getPath().getName();
        if (!name.startsWith(".")) {
          names.add(name);
        }
      }
    } catch (FileNotFoundException e) {
      return names;
    }
    names.sort(null);
    return names;
  }

  @Override
  public void delete(String path) throws IOException {
    fs.delete(resolve(path), true);
  }

  @Override
  public String describe(String path) {
    return resolve(path).toString();
  }
}
