package org.dqnsweep.jobs.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.dqnsweep.config.ConfigException;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Splits SQL text into statements and lets through only queries: Spark's parser gives each statement's plan, and a
 * plan holding any command (INSERT, CREATE, DROP, ALTER, SET, CACHE, ...) is refused before anything runs.
 */
public final class ReadOnlySql {
  /** Commands that only read the catalog: the top of a plan may be one of these (EXPLAIN: if what it explains is). */
  private static final Set<String> READ_ONLY_COMMANDS = Set.of("ShowTables", "ShowTablesExtended", "ShowViews",
      "ShowColumns", "ShowFunctions", "ShowNamespaces", "DescribeRelation", "DescribeColumn", "DescribeFunction",
      "DescribeQueryCommand", "ExplainCommand");

  /** Neither commands nor ParsedStatements, yet they run other SQL: EXECUTE IMMEDIATE, scripts (BEGIN ... END). */
  private static final Set<String> RUNS_OTHER_SQL = Set.of("UnresolvedExecuteImmediate", "CompoundBody");

  /** Functions that call arbitrary static Java methods. */
  private static final Set<String> JAVA_CALLS = Set.of("reflect", "java_method", "try_reflect");

  private ReadOnlySql() {}

  /** The statements of {@code sql}, split at {@code ;} outside quotes and comments; blank ones dropped. */
  public static List<String> split(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean meaningful = false; // cur holds more than blanks and comments
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      int end;
      if (c == '\'' || c == '"' || c == '`') {
        end = closing(sql, i, c);
      } else if (sql.startsWith("--", i)) {
        end = sql.indexOf('\n', i);
        end = end < 0 ? sql.length() : end;
      } else if (sql.startsWith("/*", i)) {
        end = sql.indexOf("*/", i + 2);
        end = end < 0 ? sql.length() : end + 2;
      } else if (c == ';') {
        if (meaningful) {
          out.add(cur.toString().strip());
        }
        cur.setLength(0);
        meaningful = false;
        i++;
        continue;
      } else {
        meaningful |= !Character.isWhitespace(c);
        end = i + 1;
      }
      if (c == '\'' || c == '"' || c == '`') {
        meaningful = true;
      }
      cur.append(sql, i, end);
      i = end;
    }
    if (meaningful) {
      out.add(cur.toString().strip());
    }
    return out;
  }

  /** The index just past the quote closing the one at {@code start} (a backslash escapes, doubling too). */
  private static int closing(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
      } else if (c == quote) {
        return i + 1;
      } else {
        i++;
      }
    }
    return sql.length();
  }

  /**
   * Parses {@code statement} with Spark's parser and refuses anything but a read-only query.
   *
   * @param label names the statement in errors, e.g. "statement 2 of 3"
   */
  public static LogicalPlan check(SparkSession spark, String statement, String label) {
    LogicalPlan plan;
    try {
      plan = spark.sessionState().sqlParser().parsePlan(statement);
    } catch (ParseException e) {
      throw new ConfigException("sql", "syntax error in " + label + ": " + e.getMessage());
    }
    String refused = refusal(plan, true);
    if (refused != null) {
      throw new ConfigException("sql", label + " is " + refused + ": only queries run here (SELECT, WITH, VALUES, "
          + "TABLE, SHOW, DESCRIBE, EXPLAIN); the views are read-only, write a result with --format parquet --out "
          + "PATH");
    }
    return plan;
  }

  /** Why {@code plan} may not run, or null if it is a read-only query. */
  private static String refusal(LogicalPlan plan, boolean top) {
    String name = plan.getClass().getSimpleName();
    if (top && READ_ONLY_COMMANDS.contains(name)) {
      return plan instanceof ExplainCommand explain ? refusal(explain.logicalPlan(), true) : null;
    }
    if (plan instanceof Command || plan instanceof ParsedStatement || RUNS_OTHER_SQL.contains(name)) {
      return "a command (" + name + ")";
    }
    for (Expression e : CollectionConverters.asJava(plan.expressions())) {
      String r = refusal(e);
      if (r != null) {
        return r;
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      String r = refusal(child, false);
      if (r != null) {
        return r;
      }
    }
    for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
      if (inner instanceof LogicalPlan p) {
        String r = refusal(p, false);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }

  private static String refusal(Expression e) {
    if (e instanceof UnresolvedFunction f) {
      String fn = f.nameParts().last().toLowerCase(Locale.ROOT);
      if (JAVA_CALLS.contains(fn)) {
        return "a call of " + fn + " (it runs any Java method)";
      }
    }
    if (e instanceof SubqueryExpression s) {
      String r = refusal(s.plan(), false);
      if (r != null) {
        return r;
      }
    }
    for (Expression child : CollectionConverters.asJava(e.children())) {
      String r = refusal(child);
      if (r != null) {
        return r;
      }
    }
    return null;
  }
}
