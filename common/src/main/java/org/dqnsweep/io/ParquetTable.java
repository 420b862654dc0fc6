package org.dqnsweep.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * One trial's rows of one table, written exactly once across crashes and resumes. Rows stream into a hidden file;
 * {@link #commit} renames it to {@code part-<from>-<to>.parquet} (agent steps it covers) and is called just before
 * each checkpoint. A resumed run first deletes every part that starts at or after its checkpoint's step: those
 * rows were committed after the checkpoint and are about to be reported again.
 */
public final class ParquetTable implements AutoCloseable {
  private static final String IN_PROGRESS = ".inprogress-";

  private final Configuration conf;
  private final FileSystem fs;
  private final Path dir;
  private final MessageType schema;
  private long from;
  private ParquetWriter<Group> writer;
  private Path current;

  /**
   * @param dir this trial's folder of the table, e.g. {@code .../transitions/trial_id=t-1a2b}
   * @param resumeStep the agent step the run starts from (0 for a fresh run): parts from there on are dropped
   */
  public ParquetTable(Configuration conf, Path dir, MessageType schema, long resumeStep) throws IOException {
    this.conf = conf;
    this.fs = dir.getFileSystem(conf);
    this.dir = dir;
    this.schema = schema;
    this.from = resumeStep;
    discardFrom(resumeStep);
  }

  public MessageType schema() {
    return schema;
  }

  private void discardFrom(long step) throws IOException {
    FileStatus[] files;
    try {
      files = fs.listStatus(dir);
    } catch (FileNotFoundException e) {
      return;
    }
    for (FileStatus f : files) {
      String name = f.getPath().getName();
      if (name.startsWith(IN_PROGRESS) || (name.startsWith("part-") && partFrom(name) >= step)) {
        fs.delete(f.getPath(), false);
      }
    }
  }

  private static long partFrom(String name) {
    return Long.parseLong(name.substring("part-".length(), name.indexOf('-', "part-".length())));
  }

  public void write(Group row) throws IOException {
    if (writer == null) {
      current = new Path(dir, IN_PROGRESS + from + ".parquet");
      writer = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(current, conf))
          .withConf(conf)
          .withType(schema)
          .withCompressionCodec(CompressionCodecName.ZSTD)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .build();
    }
    writer.write(row);
  }

  /** Makes the rows written since the last commit durable as the part covering agent steps [from, toStep). */
  public void commit(long toStep) throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
      Path part = new Path(dir, String.format(Locale.ROOT, "part-%012d-%012d.parquet", from, toStep));
      if (!fs.rename(current, part)) {
        throw new IOException("cannot rename " + current + " to " + part);
      }
    }
    from = toStep;
  }

  /** Every committed row of one trial's table folder, in part order (empty if there is none). */
  public static List<Group> read(Configuration conf, Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    List<Path> parts = new ArrayList<>();
    try {
      for (FileStatus f : fs.listStatus(dir)) {
        if (f.getPath().getName().startsWith("part-")) {
          parts.add(f.getPath());
        }
      }
    } catch (FileNotFoundException e) {
      return List.of();
    }
    parts.sort(null);
    List<Group> rows = new ArrayList<>();
    for (Path p : parts) {
      try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), p).withConf(conf).build()) {
        for (Group g = r.read(); g != null; g = r.read()) {
          rows.add(g);
        }
      }
    }
    return rows;
  }

  /** Every committed row of a table partitioned by trial ({@code tableDir/trial_id=<id>/}), by trial id. */
  public static Map<String, List<Group>> readByTrial(Configuration conf, Path tableDir) throws IOException {
    Map<String, List<Group>> rows = new LinkedHashMap<>();
    FileSystem fs = tableDir.getFileSystem(conf);
    if (!fs.exists(tableDir)) {
      return rows;
    }
    for (FileStatus f : fs.listStatus(tableDir)) {
      String name = f.getPath().getName();
      if (f.isDirectory() && name.startsWith("trial_id=")) {
        rows.put(name.substring("trial_id=".length()), read(conf, f.getPath()));
      }
    }
    return rows;
  }

  /** A nullable double column's value in {@code g}: NaN when it is null. */
  public static double doubleOrNaN(Group g, String field) {
    return g.getFieldRepetitionCount(field) == 0 ? Double.NaN : g.getDouble(field, 0);
  }

  /** Drops uncommitted rows: a resume from the last checkpoint reports them again. */
  @Override
  public void close() throws IOException {
    if (writer != null) {
      try {
        writer.close();
      } finally {
        writer = null;
        fs.delete(current, false);
      }
    }
  }
}
