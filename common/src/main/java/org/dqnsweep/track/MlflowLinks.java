package org.dqnsweep.track;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Links into the MLflow UI that open a sweep in the Model training view. MLflow 3 remembers a workflow type per
 * browser and starts in GenAI mode (traces, token usage), so every link names {@code workflowType=machine_learning}.
 */
public final class MlflowLinks {
  private static final String MODEL_TRAINING = "workflowType=machine_learning";
  private static final ObjectMapper JSON = new ObjectMapper();

  private MlflowLinks() {}

  /** The list of experiments (each sweep's name is one), opening into their runs. */
  public static String experiments(String trackingUri) {
    return base(trackingUri) + "/#/experiments?" + MODEL_TRAINING;
  }

  /**
   * The runs table of a sweep's trials, as the saved view {@code viewKey} of the experiment shows them (see
   * {@link #view}): one row per trial with its swept params and evaluation returns, best first.
   */
  public static String runs(String trackingUri, String experimentId, String viewKey) {
    return base(trackingUri) + "/#/experiments/" + experimentId + "/runs?" + MODEL_TRAINING + "&viewStateShareKey="
        + encode(viewKey);
  }

  /** The same trials as charts: {@code eval_return} and {@code mean10_return} over agent steps, one line each. */
  public static String charts(String trackingUri, String experimentId, String viewKey) {
    return runs(trackingUri, experimentId, viewKey) + "&compareRunsMode=CHART";
  }

  /** The experiment tag that holds the saved view {@code viewKey}. */
  public static String viewTag(String viewKey) {
    return "mlflow.sharedViewState." + viewKey;
  }

  /**
   * A saved view of the runs page (MLflow's "shared view" format, listed under Views as {@code name}): the child
   * runs of {@code parentRunId} flat (a filter shows them without their parent), the given params and both return
   * metrics as columns, sorted by {@code eval_return}, and the chart view narrowed to the two returns. A link may
   * not carry its own search filter: MLflow then ignores the saved view.
   */
  public static String view(String name, String parentRunId, List<String> paramKeys) {
    List<String> columns = new ArrayList<>();
    paramKeys.forEach(k -> columns.add("params.`" + k + "`"));
    columns.add("metrics.`eval_return`");
    columns.add("metrics.`mean10_return`");
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("searchFilter", "tags.`mlflow.parentRunId` = '" + parentRunId + "'");
    state.put("orderByKey", "metrics.`eval_return`");
    state.put("orderByAsc", false);
    state.put("selectedColumns", columns);
    state.put("chartsSearchFilter", "^(eval_return|mean10_return)$");
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("name", name);
    envelope.put("createdAt", System.currentTimeMillis());
    try {
      envelope.put("state", JSON.writeValueAsString(state));
      return JSON.writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** MLflow's compare page for the given runs (parallel coordinates, scatter, contour over params and metrics). */
  public static String compare(String trackingUri, String experimentId, List<String> runIds) {
    String runs = runIds.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(",", "[", "]"));
    return base(trackingUri) + "/#/compare-runs?runs=" + encode(runs) + "&experiments="
        + encode("[\"" + experimentId + "\"]") + "&" + MODEL_TRAINING;
  }

  private static String base(String trackingUri) {
    return trackingUri.replaceAll("/+$", "");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
