package io.testbed.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Turns finished jobs (their per-inference results as reported on the wire) into the demo's results table. */
final class DemoReport {
  /** One table row, computed from a job's results. */
  record Row(String device, String model, String target, String executedOn, int ok, int total, double meanLatencyMs,
             double p95LatencyMs, double meanComputeMs, Double energyPerInferenceJ, String energySource, String error) {}

  private DemoReport() {}

  static Row row(JsonNode job) {
    JsonNode req = job.path("request");
    JsonNode results = job.path("results");
    List<Double> lat = new ArrayList<>();
    double compute = 0;
    double energy = 0;
    int energyCount = 0;
    String source = "";
    String executedOn = "";
    String error = "";
    for (JsonNode r : results) {
      if (!"ok".equals(r.path("outcome").asText())) {
        if (error.isEmpty()) error = r.path("outcome").asText() + ": " + r.path("error").asText();
        continue;
      }
      lat.add(r.path("latencyMs").asDouble());
      compute += r.path("computeMs").asDouble();
      executedOn = r.path("executedOn").asText();
      if (r.hasNonNull("energyJ")) {
        energy += r.path("energyJ").asDouble();
        energyCount++;
        source = r.path("energySource").asText();
      }
    }
    int ok = lat.size();
    double[] sorted = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Row(req.path("deviceId").asText(), req.path("model").asText(), req.path("target").asText(), executedOn, ok,
        results.size(), ok == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(Double.NaN), percentile(sorted, 0.95),
        ok == 0 ? Double.NaN : compute / ok, energyCount == 0 ? null : energy / energyCount, source, error);
  }

  /** Nearest-rank percentile of sorted values; NaN when empty. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    String fmt = "%-14s %-10s %-8s %-12s %7s %10s %10s %11s %16s%n";
    sb.append(String.format(Locale.ROOT, fmt, "device", "model", "target", "ran on", "ok/n", "mean ms", "p95 ms", "compute ms", "J/inference"));
    for (Row r : rows) {
      String energy = r.energyPerInferenceJ() == null ? "-" : String.format(Locale.ROOT, "%.4f %s", r.energyPerInferenceJ(), r.energySource());
      sb.append(String.format(Locale.ROOT, fmt, r.device(), r.model(), r.target(), r.executedOn(), r.ok() + "/" + r.total(),
          num(r.meanLatencyMs()), num(r.p95LatencyMs()), num(r.meanComputeMs()), energy));
      if (!r.error().isEmpty()) sb.append("    first failure: ").append(r.error()).append('\n');
    }
    return sb.toString();
  }

  private static String num(double v) { return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v); }
}
