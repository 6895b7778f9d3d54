package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.policy.autoscale.Observation;
import io.testbed.orchestrator.policy.autoscale.PolicyReport;
import io.testbed.orchestrator.policy.autoscale.RequestRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The AutoScale comparison's PNG plots (xchart, headless, 900x600 like the experiments module's {@code Plots}):
 * {@code autoscale-energy.png} (energy per inference by policy, bars) and {@code autoscale-decisions.png} (one
 * policy's decisions over the requests as markers, one row per action, against the commanded co-runner CPU level and
 * link RSSI as step lines).
 */
final class AutoScalePlots {
  static final String ENERGY = "autoscale-energy.png";
  static final String DECISIONS = "autoscale-decisions.png";

  private AutoScalePlots() {}

  static List<Path> write(Path dir, List<PolicyReport> reports, String policy, List<RequestRecord> records,
      List<Observation.Condition> conditions) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    out.add(save(energy(reports), dir.resolve(ENERGY)));
    if (!records.isEmpty()) out.add(save(decisions(policy, records, conditions), dir.resolve(DECISIONS)));
    return out;
  }

  static CategoryChart energy(List<PolicyReport> reports) {
    CategoryChart chart = new CategoryChartBuilder().width(900).height(600).title("Energy per inference by policy")
        .xAxisTitle("policy").yAxisTitle("energy per successful inference (J)").build();
    chart.getStyler().setLegendVisible(false);
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (PolicyReport r : reports) {
      names.add(r.policy());
      values.add(r.okCount() == 0 ? 0.0 : r.energyJ() / r.okCount());
    }
    chart.addSeries("energy per inference", names, values);
    return chart;
  }

  static XYChart decisions(String policy, List<RequestRecord> records, List<Observation.Condition> conditions) {
    XYChart chart = new XYChartBuilder().width(900).height(600)
        .title("Decisions of " + policy + " over the requests, with the timeline")
        .xAxisTitle("request").yAxisTitle("action (row)").build();
    chart.getStyler().setMarkerSize(5);
    Map<String, Integer> rows = new LinkedHashMap<>();
    for (String a : new TreeSet<>(records.stream().map(RequestRecord::actionId).toList())) rows.put(a, rows.size());
    for (Map.Entry<String, Integer> row : rows.entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (RequestRecord r : records) {
        if (r.actionId().equals(row.getKey())) {
          x.add((double) r.index());
          y.add((double) row.getValue());
        }
      }
      XYSeries s = chart.addSeries(row.getKey(), x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    // Timeline as step lines on the second axis: co-runner CPU in percent, RSSI of each link in dBm.
    List<Double> x = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    Map<String, List<Double>> rssi = new LinkedHashMap<>();
    for (Observation.Condition c : conditions) c.linkRssiDbm().keySet().forEach(l -> rssi.putIfAbsent(l, new ArrayList<>()));
    for (int i = 0; i < records.size() && i < conditions.size(); i++) {
      Observation.Condition c = conditions.get(i);
      double idx = records.get(i).index();
      if (i > 0) { // step: repeat the previous level at this x
        x.add(idx);
        cpu.add(cpu.get(cpu.size() - 1));
        rssi.forEach((l, v) -> v.add(v.get(v.size() - 1)));
      }
      x.add(idx);
      cpu.add(100 * c.coRunnerCpu());
      rssi.forEach((l, v) -> v.add(c.linkRssiDbm().getOrDefault(l, Double.NaN)));
    }
    if (!x.isEmpty()) {
      XYSeries s = chart.addSeries("co-runner CPU (%)", x, cpu);
      s.setYAxisGroup(1);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      s.setMarker(SeriesMarkers.NONE);
      for (Map.Entry<String, List<Double>> e : rssi.entrySet()) {
        XYSeries r = chart.addSeries("RSSI " + e.getKey() + " (dBm)", x, e.getValue());
        r.setYAxisGroup(1);
        r.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        r.setMarker(SeriesMarkers.NONE);
      }
      chart.setYAxisGroupTitle(1, "co-runner CPU (%) / RSSI (dBm)");
    }
    chart.setYAxisGroupTitle(0, "action: " + String.join(", ", rows.entrySet().stream()
        .map(e -> e.getValue() + "=" + e.getKey()).toList()));
    return chart;
  }

  private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
