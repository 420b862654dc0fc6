package org.dqnsweep.jobs.sql;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/** Prints a query result as an aligned text table (like Spark's show, without cutting cells) or as CSV. */
public final class ResultPrinter {
  private ResultPrinter() {}

  /** Prints up to {@code limit} rows as an aligned table, and a note if there were more. */
  public static void table(Dataset<Row> result, int limit, PrintStream out) {
    StructField[] fields = result.schema().fields();
    List<Row> rows = text(result).limit(limit + 1).collectAsList();
    boolean truncated = rows.size() > limit;
    rows = truncated ? rows.subList(0, limit) : rows;
    int[] width = new int[fields.length];
    for (int c = 0; c < fields.length; c++) {
      width[c] = fields[c].name().length();
      for (Row r : rows) {
        width[c] = Math.max(width[c], cell(r, c).length());
      }
    }
    StringBuilder rule = new StringBuilder("+");
    for (int w : width) {
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.println(rule);
    out.println(line(Arrays.stream(fields).map(StructField::name).toList(), width, new boolean[fields.length]));
    out.println(rule);
    boolean[] right = new boolean[fields.length];
    for (int c = 0; c < fields.length; c++) {
      right[c] = fields[c].dataType() instanceof NumericType;
    }
    for (Row r : rows) {
      List<String> cells = new ArrayList<>();
      for (int c = 0; c < fields.length; c++) {
        cells.add(cell(r, c));
      }
      out.println(line(cells, width, right));
    }
    out.println(rule);
    out.println(truncated
        ? "only the first " + limit + " rows are shown; --limit N shows more (or --format csv, every row)"
        : rows.size() + (rows.size() == 1 ? " row" : " rows"));
  }

  /** Prints every row as CSV (RFC 4180 quoting; NULL is an empty field), streaming them from Spark. */
  public static void csv(Dataset<Row> result, PrintStream out) {
    String[] names = result.columns();
    out.println(String.join(",", Arrays.stream(names).map(ResultPrinter::csvField).toList()));
    Iterator<Row> it = text(result).toLocalIterator();
    StringBuilder line = new StringBuilder();
    while (it.hasNext()) {
      Row r = it.next();
      line.setLength(0);
      for (int c = 0; c < names.length; c++) {
        line.append(c == 0 ? "" : ",").append(r.isNullAt(c) ? "" : csvField(r.getString(c)));
      }
      out.println(line);
    }
  }

  /** Every column as text, as Spark casts it (arrays as [a, b]); bytes as hex, which a cast would garble. */
  private static Dataset<Row> text(Dataset<Row> result) {
    StructField[] fields = result.schema().fields();
    // by position: a join may give two columns one name
    Dataset<Row> byPosition = result.toDF(IntStream.range(0, fields.length).mapToObj(c -> "c" + c)
        .toArray(String[]::new));
    Column[] cols = new Column[fields.length];
    for (int c = 0; c < fields.length; c++) {
      Column col = byPosition.col("c" + c);
      cols[c] = fields[c].dataType() instanceof BinaryType ? functions.hex(col) : col.cast("string");
    }
    return byPosition.select(cols);
  }

  private static String cell(Row r, int c) {
    return r.isNullAt(c) ? "NULL" : r.getString(c);
  }

  private static String line(List<String> cells, int[] width, boolean[] right) {
    StringBuilder b = new StringBuilder("|");
    for (int c = 0; c < cells.size(); c++) {
      String pad = " ".repeat(width[c] - cells.get(c).length());
      b.append(' ').append(right[c] ? pad + cells.get(c) : cells.get(c) + pad).append(" |");
    }
    return b.toString();
  }

  private static String csvField(String s) {
    boolean quote = s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r");
    return quote ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
