package io.testbed.experiments.thermal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws one PNG per policy: junction temperature over time, the threshold, and the mode changes marked. */
public final class ThermalPlot {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ThermalPlot() {}

  /** {@code plots/thermal-<policy>.png} of repetition 0 for every policy with frames; returns the files written. */
  public static List<Path> write(Path plotsDir, List<ThermalFrame> frames, List<ModeChange> changes, List<String> policies) throws IOException {
    Files.createDirectories(plotsDir);
    List<Path> written = new ArrayList<>();
    for (String policy : policies) {
      List<ThermalFrame> fs = frames.stream().filter(f -> f.policy().equals(policy) && f.repetition() == 0 && f.ok()).toList();
      if (fs.isEmpty()) continue;
      XYChart chart = new XYChartBuilder().width(1000).height(500).title("Sensor temperature: " + policy)
          .xAxisTitle("time (s)").yAxisTitle("junction temperature (C)").build();
      List<Double> t = fs.stream().map(f -> f.tNs() / 1e9).toList();
      chart.addSeries("temperature", t, fs.stream().map(ThermalFrame::temperatureC).toList()).setMarker(SeriesMarkers.NONE);
      chart.addSeries("threshold", t, fs.stream().map(ThermalFrame::thresholdC).toList()).setMarker(SeriesMarkers.NONE);
      List<ModeChange> cs = changes.stream().filter(c -> c.policy().equals(policy) && c.repetition() == 0).toList();
      for (String to : List.of("nsp", "cap", "far")) {
        List<ModeChange> into = cs.stream().filter(c -> c.to().equals(to)).toList();
        if (into.isEmpty()) continue;
        XYSeries s = chart.addSeries("-> " + to, into.stream().map(c -> c.tNs() / 1e9).toList(), into.stream().map(ModeChange::temperatureC).toList());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(to.equals("nsp") ? SeriesMarkers.CIRCLE : to.equals("cap") ? SeriesMarkers.DIAMOND : SeriesMarkers.SQUARE);
      }
      List<ThermalFrame> caps = fs.stream().filter(ThermalFrame::capture).toList();
      if (!caps.isEmpty()) {
        XYSeries s = chart.addSeries("capture", caps.stream().map(f -> f.tNs() / 1e9).toList(), caps.stream().map(ThermalFrame::temperatureC).toList());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.TRIANGLE_UP);
      }
      Path file = plotsDir.resolve("thermal-" + policy + ".png");
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      written.add(file);
    }
    return written;
  }
}
