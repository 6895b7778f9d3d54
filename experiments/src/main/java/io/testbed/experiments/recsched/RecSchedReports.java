package io.testbed.experiments.recsched;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Writes a {@link RecSchedReport} into a run folder ({@code recsched-report.json}, {@code recsched-report.txt},
 * {@code plots/recsched-*.png}) and renders its text table (also what {@code ./testbed run} prints).
 */
public final class RecSchedReports {
  public static final String JSON = "recsched-report.json";
  public static final String TEXT = "recsched-report.txt";
  public static final String QPS_PLOT = "recsched-qps.png";
  public static final String P95_PLOT = "recsched-p95.png";
  public static final String SWEEP_PLOT = "recsched-sweep.png";

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private RecSchedReports() {}

  /** Writes the report files and plots into {@code dir}; returns the files written. */
  public static List<Path> write(Path dir, RecSchedReport report) throws IOException {
    Files.createDirectories(dir.resolve("plots"));
    List<Path> out = new ArrayList<>();
    Path json = dir.resolve(JSON);
    Files.writeString(json, SpecJson.mapper().writeValueAsString(report));
    out.add(json);
    Path text = dir.resolve(TEXT);
    Files.writeString(text, render(report));
    out.add(text);
    if (!report.models().isEmpty()) out.add(save(qpsChart(report), dir.resolve("plots").resolve(QPS_PLOT)));
    if (!report.windows().isEmpty()) out.add(save(p95Chart(report), dir.resolve("plots").resolve(P95_PLOT)));
    if (!report.sweep().isEmpty()) out.add(save(sweepChart(report), dir.resolve("plots").resolve(SWEEP_PLOT)));
    return out;
  }

  public static RecSchedReport read(Path dir) throws IOException {
    return SpecJson.mapper().readValue(Files.readString(dir.resolve(JSON)), RecSchedReport.class);
  }

  /**
   * Why DeepRecSched's gain over {@code baseline} on this model is not a policy's gain, or null: it chose the
   * baseline's own configuration in every round (the ratio compares two climbs of one configuration), or a compared
   * result is a lower bound set by the window budget.
   */
  static String gainCaveat(RecSchedReport.ModelReport m, String baseline) {
    List<RecSchedReport.PolicyResult> drs = m.policies().stream().filter(p -> p.policy().equals("deeprecsched")).toList();
    List<RecSchedReport.PolicyResult> base = m.policies().stream().filter(p -> p.policy().equals(baseline)).toList();
    if (drs.isEmpty() || base.isEmpty()) return null;
    boolean sameConfig = drs.stream().allMatch(d -> base.stream().anyMatch(x -> x.round() == d.round()
        && x.batchSize() == d.batchSize() && java.util.Objects.equals(x.offloadThreshold(), d.offloadThreshold())));
    boolean bound = java.util.stream.Stream.concat(drs.stream(), base.stream()).anyMatch(RecSchedReport.PolicyResult::stillClimbing);
    if (sameConfig) {
      return "DeepRecSched chose this baseline's own configuration (B, T) in every round: the ratio compares two climbs of "
          + "one configuration, not two configurations" + (bound ? "; and a climb hit the window budget (*)" : "");
    }
    return bound ? "a compared climb hit the window budget (*): the ratio rests on a lower bound" : null;
  }

  /** The text table of a report given as JSON (the run's {@code summary}, as the CLI receives it). */
  public static String render(JsonNode summary) {
    try {
      return render(SpecJson.mapper().treeToValue(summary, RecSchedReport.class));
    } catch (IOException e) {
      return "recsched report not readable: " + e.getMessage() + "\n";
    }
  }

  /**
   * The text table: the warm-ups, per model, policy and round the latency-bounded QPS, p95, p99, (B, T); with more
   * than one round the per-policy QPS per round and median; then the gains (of the medians) beside the paper's.
   */
  public static String render(RecSchedReport r) {
    StringBuilder b = new StringBuilder();
    int rounds = r.rounds() == null ? 1 : r.rounds();
    b.append("Run ").append(r.runId()).append(" (recsched) ").append(r.verdict() == null ? "" : r.verdict()).append('\n');
    for (RecSchedReport.ServerInfo s : r.servers()) {
      b.append(String.format(Locale.ROOT, "  server %s %s: %s workers, %s instances, accelerator %s%n", s.deviceId(),
          s.endpoint(), s.workers(), s.instances(), s.accelerator()));
    }
    for (RecSchedReport.WarmUp w : r.warmups()) {
      b.append(String.format(Locale.ROOT, "  warm-up %s: %d queries (%d failed) at %s QPS over B %s, p95 %s ms, %.1f s (in no result)%n",
          w.model(), w.queries(), w.failed(), f1(w.qps()), w.batchSizes(), f1(w.p95Ms()), w.seconds()));
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"model", "SLA p95 ms", "policy", "round", "B", "T", "QPS", "p95 ms", "p99 ms", "SLA met",
        "queries", "failed"});
    for (RecSchedReport.ModelReport m : r.models()) {
      for (RecSchedReport.PolicyResult p : m.policies()) {
        rows.add(new String[] {m.model(), f1(m.slaMs()), p.policy(), Integer.toString(p.round()), Integer.toString(p.batchSize()),
            p.offloadThreshold() == null ? "none" : p.offloadThreshold().toString(), f1(p.qps()) + (p.stillClimbing() ? "*" : ""), f1(p.p95Ms()),
            f1(p.p99Ms()), p.feasible() && p.slaMet() ? "yes" : "no", Long.toString(p.queries()),
            Long.toString(p.failed())});
      }
    }
    b.append(table(rows));
    boolean budgetBound = r.models().stream().flatMap(m -> m.policies().stream()).anyMatch(RecSchedReport.PolicyResult::stillClimbing);
    if (budgetBound) {
      b.append("  * still climbing when its windows ran out: a lower bound set by maxWindows, not by the SLA; raise maxWindows\n"
          + "    (examples/recsched-fair-*.json use 14) before reading a gain from it\n");
    }
    if (rounds > 1) {
      b.append(String.format(Locale.ROOT, "Per policy over %d rounds (order alternating: odd rounds %s, even rounds reversed):%n",
          rounds, RecSchedSpec.POLICIES));
      List<String[]> med = new ArrayList<>();
      med.add(new String[] {"model", "policy", "QPS per round", "B per round", "median QPS", "rounds SLA met"});
      for (RecSchedReport.ModelReport m : r.models()) {
        for (RecSchedReport.PolicySummary s : m.summary()) {
          med.add(new String[] {m.model(), s.policy(), String.join(" ", s.qpsPerRound().stream().map(RecSchedReports::f1).toList()),
              String.join(" ", s.batchSizePerRound().stream().map(String::valueOf).toList()), f1(s.medianQps()),
              s.roundsSlaMet() + "/" + s.qpsPerRound().size()});
        }
      }
      b.append(table(med));
    }
    for (RecSchedReport.ModelReport m : r.models()) {
      b.append(String.format(Locale.ROOT, "  %s: DeepRecSched / no-split %s, / small-batch %s (%s; paper: %.0fx over a static configuration)%n",
          m.model(), ratio(m.gainOverNoSplit()), ratio(m.gainOverSmallBatch()),
          rounds > 1 ? "medians over " + rounds + " rounds" : "1 round", RecSchedReport.PAPER_GAIN));
      for (String baseline : List.of("static-no-split", "static-small-batch")) {
        String caveat = gainCaveat(m, baseline);
        if (caveat != null) b.append("    / ").append(baseline).append(": ").append(caveat).append('\n');
      }
    }
    if (!r.sweep().isEmpty()) {
      b.append("Batch-size sweep (latency-bounded QPS; instances per server as the servers ran):\n");
      List<String[]> sw = new ArrayList<>();
      sw.add(new String[] {"model", "instances", "B", "QPS", "p95 ms", "p99 ms", "SLA met"});
      for (RecSchedReport.SweepPoint s : r.sweep()) {
        sw.add(new String[] {s.model(), Integer.toString(s.instances()), Integer.toString(s.batchSize()), f1(s.qps()),
            f1(s.p95Ms()), f1(s.p99Ms()), s.feasible() ? "yes" : "no"});
      }
      b.append(table(sw));
    }
    if (r.error() != null) b.append("  error: ").append(r.error()).append('\n');
    return b.toString();
  }

  /** Bars per model: each policy's median QPS and, with more than one round, its QPS in each round. */
  static CategoryChart qpsChart(RecSchedReport r) {
    int rounds = r.rounds() == null ? 1 : r.rounds();
    CategoryChart c = new CategoryChartBuilder().width(900).height(600)
        .title("Latency-bounded QPS per policy (p95 <= SLA)" + (rounds > 1 ? ", median and per round" : ""))
        .xAxisTitle("model").yAxisTitle("QPS").build();
    Map<String, Map<String, Double>> bySeries = new LinkedHashMap<>();
    List<String> models = r.models().stream().map(m -> m.model() + " (SLA " + f1(m.slaMs()) + " ms)").toList();
    for (RecSchedReport.ModelReport m : r.models()) {
      for (RecSchedReport.PolicySummary s : m.summary()) {
        bySeries.computeIfAbsent(rounds > 1 ? s.policy() + " median" : s.policy(), k -> new LinkedHashMap<>()).put(m.model(), s.medianQps());
      }
      if (rounds > 1) {
        for (RecSchedReport.PolicyResult p : m.policies()) {
          bySeries.computeIfAbsent(p.policy() + " r" + p.round(), k -> new LinkedHashMap<>()).put(m.model(), p.qps());
        }
      }
    }
    for (Map.Entry<String, Map<String, Double>> e : bySeries.entrySet()) {
      List<Double> ys = r.models().stream().map(m -> e.getValue().getOrDefault(m.model(), 0.0)).toList();
      c.addSeries(e.getKey(), models, ys);
    }
    return c;
  }

  static XYChart p95Chart(RecSchedReport r) {
    XYChart c = new XYChartBuilder().width(900).height(600)
        .title("Window p95 over the tuning run (markers: load; failed windows at 5x SLA)")
        .xAxisTitle("time since start (s)").yAxisTitle("p95 latency (ms) / offered QPS").build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    int rounds = r.rounds() == null ? 1 : r.rounds();
    // A window with a failure in its tail has an infinite p95: drawn at 5x the largest SLA so the rest stays readable.
    double cap = 5 * r.models().stream().mapToDouble(RecSchedReport.ModelReport::slaMs).max().orElse(200_000);
    Map<String, List<RecSchedReport.WindowRow>> series = new LinkedHashMap<>();
    for (RecSchedReport.WindowRow w : r.windows()) series.computeIfAbsent(w.model() + " " + w.policy() + (rounds > 1 ? " r" + w.round() : ""), k -> new ArrayList<>()).add(w);
    for (Map.Entry<String, List<RecSchedReport.WindowRow>> e : series.entrySet()) {
      c.addSeries(e.getKey() + " p95 ms", e.getValue().stream().map(RecSchedReport.WindowRow::atS).toList(),
          e.getValue().stream().map(w -> Math.min(w.p95Ms(), cap)).toList());
      c.addSeries(e.getKey() + " QPS", e.getValue().stream().map(RecSchedReport.WindowRow::atS).toList(),
          e.getValue().stream().map(RecSchedReport.WindowRow::qps).toList()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
    for (RecSchedReport.ModelReport m : r.models()) {
      List<RecSchedReport.WindowRow> ws = r.windows().stream().filter(w -> w.model().equals(m.model())).toList();
      if (ws.size() < 2) continue;
      c.addSeries(m.model() + " SLA", List.of(ws.get(0).atS(), ws.get(ws.size() - 1).atS()), List.of(m.slaMs(), m.slaMs()));
    }
    return c;
  }

  static HeatMapChart sweepChart(RecSchedReport r) {
    HeatMapChart c = new HeatMapChartBuilder().width(900).height(600)
        .title("Batch-size sweep: latency-bounded QPS (model x B)").xAxisTitle("B (items per sub-request)").yAxisTitle("model").build();
    List<Integer> bs = new ArrayList<>(new TreeSet<>(r.sweep().stream().map(RecSchedReport.SweepPoint::batchSize).toList()));
    List<String> models = r.sweep().stream().map(RecSchedReport.SweepPoint::model).distinct().toList();
    List<Number[]> cells = new ArrayList<>();
    for (RecSchedReport.SweepPoint s : r.sweep()) {
      cells.add(new Number[] {bs.indexOf(s.batchSize()), models.indexOf(s.model()), s.qps()});
    }
    c.getStyler().setShowValue(true);
    c.addSeries("QPS", bs, models, cells);
    return c;
  }

  private static Path save(Chart<?, ?> chart, Path file) throws IOException {
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }

  private static String ratio(Double d) { return d == null ? "-" : String.format(Locale.ROOT, "%.2fx", d); }

  private static String f1(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.1f", d) : "inf";
  }

  private static String table(List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      b.append(' ');
      for (int i = 0; i < r.length; i++) b.append(' ').append(String.format("%-" + w[i] + "s", r[i]));
      b.append('\n');
    }
    return b.toString();
  }
}
