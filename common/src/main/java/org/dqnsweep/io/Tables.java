package org.dqnsweep.io;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroup;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.dqnsweep.train.TrialListener.Episode;
import org.dqnsweep.train.TrialListener.Evaluation;
import org.dqnsweep.train.TrialListener.TrainInterval;
import org.dqnsweep.train.TrialListener.Transition;

/**
 * The Parquet schemas of a sweep's per-trial tables and the row of each event. The trial id is not a column of the
 * files: they live under {@code <table>/trial_id=<id>/}, which Spark, DuckDB and pandas read as a partition column.
 * Values that do not exist (Q of a random action, the loss before learning starts) are nulls, not NaN.
 */
public final class Tables {
  private Tables() {}

  public static final MessageType TRANSITIONS = Types.buildMessage()
      .required(INT64).named("step")
      .required(INT64).named("episode")
      .required(INT32).named("action")
      .required(DOUBLE).named("reward")
      .required(DOUBLE).named("raw_reward")
      .required(BOOLEAN).named("done")
      .required(DOUBLE).named("epsilon")
      .optional(DOUBLE).named("q_taken")
      .optional(BINARY).named("frame")
      .named("transitions");

  public static final MessageType EPISODES = Types.buildMessage()
      .required(INT64).named("episode")
      .required(INT64).named("end_step")
      .required(DOUBLE).named("raw_return")
      .required(DOUBLE).named("clipped_return")
      .required(INT64).named("length")
      .required(DOUBLE).named("epsilon")
      .required(INT64).named("emulator_frames")
      .required(DOUBLE).named("wall_seconds")
      .required(DOUBLE).named("mean10_return")
      .named("episodes");

  public static final MessageType TRAIN_METRICS = Types.buildMessage()
      .required(INT64).named("step")
      .required(INT64).named("updates")
      .optional(DOUBLE).named("loss")
      .optional(DOUBLE).named("q_mean")
      .optional(DOUBLE).named("td_error_mean")
      .required(DOUBLE).named("updates_per_s")
      .required(DOUBLE).named("agent_steps_per_s")
      .required(DOUBLE).named("epsilon")
      .named("train_metrics");

  public static final MessageType EVALS = Types.buildMessage()
      .required(INT64).named("step")
      .required(INT32).named("games")
      .required(DOUBLE).named("mean_return")
      .required(DOUBLE).named("std_return")
      .optionalList().requiredElement(DOUBLE).named("returns")
      .named("evals");

  /** @param withFrame whether this row carries the newest frame of the observation acted on */
  public static Group transition(Transition t, boolean withFrame) {
    Group g = new SimpleGroup(TRANSITIONS);
    g.add(0, t.step());
    g.add(1, t.episode());
    g.add(2, t.action());
    g.add(3, t.reward());
    g.add(4, t.rawReward());
    g.add(5, t.done());
    g.add(6, t.epsilon());
    addIfFinite(g, 7, t.qTaken());
    if (withFrame) {
      g.add(8, Binary.fromConstantByteArray(t.frame().copy()));
    }
    return g;
  }

  public static Group episode(Episode e) {
    Group g = new SimpleGroup(EPISODES);
    g.add(0, e.episode());
    g.add(1, e.endStep());
    g.add(2, e.rawReturn());
    g.add(3, e.clippedReturn());
    g.add(4, e.length());
    g.add(5, e.epsilon());
    g.add(6, e.emulatorFrames());
    g.add(7, e.wallSeconds());
    g.add(8, e.mean10());
    return g;
  }

  public static Group trainInterval(TrainInterval t) {
    Group g = new SimpleGroup(TRAIN_METRICS);
    g.add(0, t.step());
    g.add(1, t.updates());
    addIfFinite(g, 2, t.loss());
    addIfFinite(g, 3, t.qMean());
    addIfFinite(g, 4, t.tdErrorMean());
    g.add(5, t.updatesPerSecond());
    g.add(6, t.agentStepsPerSecond());
    g.add(7, t.epsilon());
    return g;
  }

  public static Group evaluation(Evaluation e) {
    Group g = new SimpleGroup(EVALS);
    g.add(0, e.step());
    g.add(1, e.returns().length);
    g.add(2, e.mean());
    g.add(3, e.std());
    Group list = g.addGroup(4);
    for (double r : e.returns()) {
      list.addGroup(0).add(0, r);
    }
    return g;
  }

  /**
   * A schema for rows of typed values: Long/Integer as int64, Double/Float as double, Boolean, anything else as
   * text; every column nullable.
   */
  public static MessageType rowSchema(String name, Map<String, Class<?>> columns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Map.Entry<String, Class<?>> e : columns.entrySet()) {
      Class<?> t = e.getValue();
      if (t == Long.class || t == Integer.class) {
        b.optional(INT64).named(e.getKey());
      } else if (t == Double.class || t == Float.class) {
        b.optional(DOUBLE).named(e.getKey());
      } else if (t == Boolean.class) {
        b.optional(BOOLEAN).named(e.getKey());
      } else {
        b.optional(BINARY).as(stringType()).named(e.getKey());
      }
    }
    return b.named(name);
  }

  /** A row of {@link #rowSchema}: values in column order; nulls and non-finite doubles stay empty. */
  public static Group row(MessageType schema, Iterable<?> values) {
    Group g = new SimpleGroup(schema);
    int i = 0;
    for (Object v : values) {
      if (v instanceof Long || v instanceof Integer) {
        g.add(i, ((Number) v).longValue());
      } else if (v instanceof Double || v instanceof Float) {
        addIfFinite(g, i, ((Number) v).doubleValue());
      } else if (v instanceof Boolean b) {
        g.add(i, b);
      } else if (v != null) {
        g.add(i, v.toString());
      }
      i++;
    }
    return g;
  }

  private static void addIfFinite(Group g, int field, double v) {
    if (Double.isFinite(v)) {
      g.add(field, v);
    }
  }
}
