package org.dqnsweep.track;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** A trial's learning curve as a PNG: game returns, their mean over 10 games, and evaluations vs agent steps. */
public final class LearningCurve {
  private LearningCurve() {}

  /** One game: the agent step it ended at, its raw return, the mean of the last 10. */
  public record Game(long endStep, double rawReturn, double mean10) {}

  /** One evaluation: the agent step it ran at and its mean return. */
  public record Eval(long step, double meanReturn) {}

  public static byte[] png(String title, List<Game> games, List<Eval> evals, int width, int height)
      throws IOException {
    System.setProperty("java.awt.headless", "true"); // executors have no display
    XYSeries returns = new XYSeries("game return");
    XYSeries mean10 = new XYSeries("mean of last 10 games");
    for (Game g : games) {
      returns.add(g.endStep(), g.rawReturn());
      mean10.add(g.endStep(), g.mean10());
    }
    XYSeries eval = new XYSeries("evaluation (mean return)");
    for (Eval e : evals) {
      eval.add(e.step(), e.meanReturn());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(returns);
    data.addSeries(mean10);
    data.addSeries(eval);

    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesPaint(0, new Color(120, 160, 220, 110));
    renderer.setSeriesShapesVisible(0, false);
    renderer.setSeriesPaint(1, new Color(20, 70, 170));
    renderer.setSeriesStroke(1, new BasicStroke(2f));
    renderer.setSeriesShapesVisible(1, false);
    renderer.setSeriesPaint(2, new Color(210, 80, 30));
    renderer.setSeriesStroke(2, new BasicStroke(2f));
    NumberAxis x = new NumberAxis("agent steps");
    NumberAxis y = new NumberAxis("return");
    y.setAutoRangeIncludesZero(false);
    y.setAutoRangeMinimumSize(2); // a flat curve (Pong's -21 early on) still gets a readable axis
    y.setNumberFormatOverride(new DecimalFormat("0.##"));
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 13), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChartUtils.writeChartAsPNG(out, chart, width, height);
    return out.toByteArray();
  }
}
