package io.testbed.experiments.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result table the CLI prints from a run's {@code summary.json}: per repetition the scenario, verdict, throughput,
 * p50/p90/p99 latency and energy per query, then the aggregate over repetitions with its coefficient of variation.
 */
public final class ResultTable {
  private ResultTable() {}

  /** Renders {@code summary.json} ({@code {runId, aggregate, repetitions: [{index, seed, summary}]}}). */
  public static String render(JsonNode summaryJson) {
    if (io.testbed.experiments.recsched.RecSchedSpec.TYPE.equals(summaryJson.path("type").asText())) {
      return io.testbed.experiments.recsched.RecSchedReports.render(summaryJson);
    }
    if (io.testbed.experiments.calibration.CalibrationSpec.TYPE.equals(summaryJson.path("type").asText())) {
      return io.testbed.experiments.calibration.CalibrationReport.render(summaryJson);
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"rep", "seed", "scenario", "result", "queries", "failed", "samples/s", "p50 ms", "p90 ms",
        "p99 ms", "energy J/query"});
    for (JsonNode r : summaryJson.path("repetitions")) {
      JsonNode s = r.path("summary");
      JsonNode p = s.path("latency").path("percentilesNs");
      JsonNode e = s.path("energy");
      String energy = e.isMissingNode() || e.path("queriesWithEnergy").asLong() == 0 ? "-"
          : String.format(Locale.ROOT, "%.4f (%s)", e.path("meanJPerQuery").asDouble(), join(e.path("sources")));
      rows.add(new String[] {
          r.path("index").asText(), r.path("seed").asText(), s.path("scenario").asText(), s.path("result").asText(),
          s.path("queryCount").asText(), s.path("failedQueries").asText(),
          String.format(Locale.ROOT, "%.2f", s.path("samplesPerSecond").asDouble()),
          ms(p.path("50.00")), ms(p.path("90.00")), ms(p.path("99.00")), energy});
    }
    StringBuilder b = new StringBuilder();
    b.append("Run ").append(summaryJson.path("runId").asText()).append('\n');
    b.append(table(rows));
    for (JsonNode r : summaryJson.path("repetitions")) {
      JsonNode s = r.path("summary");
      for (JsonNode reason : s.path("invalidReasons")) {
        b.append("  repetition ").append(r.path("index").asText()).append(": ").append(reason.asText()).append('\n');
      }
      if (s.hasNonNull("abortReason")) {
        b.append("  repetition ").append(r.path("index").asText()).append(" aborted: ")
            .append(s.path("abortReason").asText()).append('\n');
      }
    }
    JsonNode a = summaryJson.path("aggregate");
    if (!a.isMissingNode()) {
      boolean latency = !a.path("higherIsBetter").asBoolean();
      String metric = a.path("metricName").asText();
      b.append(String.format(Locale.ROOT, "Aggregate over %d repetition(s) (%d failed; dropped %s): %s = %s, CV %s -> %s%n",
          a.path("runs").asInt(), a.path("failedRuns").asInt(), a.path("dropped").toString(), metric,
          value(a.path("mean"), latency), a.path("coefficientOfVariation").isNumber()
              ? String.format(Locale.ROOT, "%.4f", a.path("coefficientOfVariation").asDouble()) : "n/a",
          a.path("result").asText()));
      if (a.hasNonNull("reason")) b.append("  ").append(a.path("reason").asText()).append('\n');
    }
    return b.toString();
  }

  /** The aggregate verdict ({@code VALID}/{@code INVALID}), or null when the summary has none. */
  public static String verdict(JsonNode summaryJson) {
    if (io.testbed.experiments.calibration.CalibrationSpec.TYPE.equals(summaryJson.path("type").asText())) {
      return summaryJson.path("verdict").asText(null);
    }
    JsonNode r = summaryJson.path("aggregate").path("result");
    return r.isMissingNode() || r.isNull() ? null : r.asText();
  }

  private static String value(JsonNode v, boolean latencyNs) {
    if (!v.isNumber() || Double.isNaN(v.asDouble())) return "n/a";
    return latencyNs ? String.format(Locale.ROOT, "%.3f ms", v.asDouble() / 1e6) : String.format(Locale.ROOT, "%.2f", v.asDouble());
  }

  private static String ms(JsonNode ns) {
    return ns.isNumber() ? String.format(Locale.ROOT, "%.3f", ns.asDouble() / 1e6) : "-";
  }

  private static String join(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return String.join("+", out);
  }

  private static String table(List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        b.append(i == 0 ? "" : "  ").append(r[i]).append(" ".repeat(w[i] - r[i].length()));
      }
      b.setLength(b.length() - (w[r.length - 1] - r[r.length - 1].length()));
      b.append('\n');
    }
    return b.toString();
  }
}
