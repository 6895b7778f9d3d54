package io.testbed.experiments.bundle;

import io.testbed.experiments.loadgen.QueryRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's PNG plots, drawn headless with xchart: latency CDF (from an HdrHistogram per repetition), latency over
 * time, and mean energy per query per device (only when some query reported energy).
 */
public final class Plots {
  public static final String CDF = "latency-cdf.png";
  public static final String OVER_TIME = "latency-over-time.png";
  public static final String ENERGY = "energy-per-query.png";
  /** Scatter plots keep at most this many points per series (every k-th query), so big runs still draw quickly. */
  static final int MAX_POINTS = 20_000;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /** Draws the plots into {@code dir}; returns the files written. */
  public static List<Path> write(Path dir, Map<Integer, List<QueryRecord>> byRepetition) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    written.add(save(latencyCdf(byRepetition), dir.resolve(CDF)));
    written.add(save(latencyOverTime(byRepetition), dir.resolve(OVER_TIME)));
    CategoryChart energy = energyPerQuery(byRepetition);
    if (energy != null) written.add(save(energy, dir.resolve(ENERGY)));
    return written;
  }

  static XYChart latencyCdf(Map<Integer, List<QueryRecord>> byRepetition) {
    XYChart chart = new XYChartBuilder().width(900).height(600).title("Latency CDF (successful queries)")
        .xAxisTitle("latency (ms)").yAxisTitle("fraction of queries").build();
    chart.getStyler().setLegendVisible(byRepetition.size() > 1);
    for (Map.Entry<Integer, List<QueryRecord>> e : new TreeMap<>(byRepetition).entrySet()) {
      Histogram h = new Histogram(3);
      e.getValue().stream().filter(QueryRecord::succeeded).forEach(r -> h.recordValue(Math.max(0, r.latencyNs())));
      if (h.getTotalCount() == 0) continue;
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (HistogramIterationValue v : h.percentiles(5)) {
        xs.add(h.highestEquivalentValue(v.getValueIteratedTo()) / 1e6);
        ys.add(Math.min(1.0, v.getPercentileLevelIteratedTo() / 100.0));
      }
      XYSeries s = chart.addSeries("repetition " + e.getKey(), xs, ys);
      s.setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  static XYChart latencyOverTime(Map<Integer, List<QueryRecord>> byRepetition) {
    XYChart chart = new XYChartBuilder().width(900).height(600).title("Latency over time (by scheduled time)")
        .xAxisTitle("time since start (s)").yAxisTitle("latency (ms)").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(3);
    chart.getStyler().setLegendVisible(byRepetition.size() > 1);
    for (Map.Entry<Integer, List<QueryRecord>> e : new TreeMap<>(byRepetition).entrySet()) {
      List<QueryRecord> ok = e.getValue().stream().filter(QueryRecord::succeeded).toList();
      if (ok.isEmpty()) continue;
      int stride = Math.max(1, (ok.size() + MAX_POINTS - 1) / MAX_POINTS);
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i = 0; i < ok.size(); i += stride) {
        xs.add(ok.get(i).scheduledNs() / 1e9);
        ys.add(ok.get(i).latencyNs() / 1e6);
      }
      chart.addSeries("repetition " + e.getKey(), xs, ys);
    }
    return chart;
  }

  /** Mean energy per query per device and repetition, labelled with the source; null when no energy is known. */
  static CategoryChart energyPerQuery(Map<Integer, List<QueryRecord>> byRepetition) {
    TreeSet<String> devices = new TreeSet<>();
    TreeSet<String> sources = new TreeSet<>();
    byRepetition.values().forEach(rs -> rs.stream().filter(r -> r.energyJ() != null).forEach(r -> {
      devices.add(r.device() == null ? "unknown" : r.device());
      sources.add(r.energySource().wireName());
    }));
    if (devices.isEmpty()) return null;
    CategoryChart chart = new CategoryChartBuilder().width(900).height(600)
        .title("Energy per query (" + String.join("+", sources) + ")").xAxisTitle("device").yAxisTitle("energy (J)")
        .build();
    chart.getStyler().setLegendVisible(byRepetition.size() > 1);
    for (Map.Entry<Integer, List<QueryRecord>> e : new TreeMap<>(byRepetition).entrySet()) {
      List<String> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (String d : devices) {
        double[] acc = new double[2];
        e.getValue().stream().filter(r -> r.energyJ() != null && d.equals(r.device() == null ? "unknown" : r.device()))
            .forEach(r -> {
              acc[0] += r.energyJ();
              acc[1]++;
            });
        xs.add(d);
        ys.add(acc[1] == 0 ? 0.0 : acc[0] / acc[1]);
      }
      chart.addSeries("repetition " + e.getKey(), xs, ys);
    }
    return chart;
  }

  private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    if (!Files.exists(file)) throw new IOException("xchart did not write " + file);
    return file;
  }
}
