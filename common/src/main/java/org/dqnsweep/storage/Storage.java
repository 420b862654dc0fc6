package org.dqnsweep.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The files of one run (checkpoints, metrics) under a root, addressed by relative paths with '/' separators. Local
 * folders now; the Spark sweep points the same interface at hdfs:// or s3a:// through Hadoop's FileSystem.
 */
public interface Storage {

  /** A writer of one file's bytes. */
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code path} atomically: into a temporary name, then renamed over {@code path}. A crash leaves either
   * the old file or the new one, never a torn one.
   */
  void writeAtomically(String path, Writer writer) throws IOException;

  InputStream open(String path) throws IOException;

  boolean exists(String path) throws IOException;

  /** Names of the files directly under {@code dir} (not recursive), sorted; empty if it does not exist. */
  List<String> list(String dir) throws IOException;

  void delete(String path) throws IOException;

  /** Where this storage lives, for messages. */
  String describe(String path);
}
