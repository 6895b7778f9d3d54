package io.testbed.experiments.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Summary} in the layout and field names of MLPerf LoadGen's {@code mlperf_log_summary.txt}
 * ("Result is : VALID", the constraint lines, percentiles 50/90/95/97/99/99.9, "Test Parameters Used"), with the
 * testbed's extra lines (failed queries, energy, accuracy) under "Additional Stats".
 */
public final class MlperfSummaryWriter {
  private static final String RULE = "================================================";

  private MlperfSummaryWriter() {}

  public static void write(Summary summary, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, render(summary));
  }

  public static String render(Summary s) {
    StringBuilder b = new StringBuilder();
    b.append(RULE).append('\n').append("MLPerf Results Summary\n").append(RULE).append('\n');
    line(b, "SUT name : ", s.sutName());
    line(b, "Scenario : ", s.scenario());
    line(b, "Mode     : ", s.mode());
    switch (s.scenario()) {
      case "Server" -> line(b, "Completed samples per second    : ", num(s.completedSamplesPerSecond()));
      case "Offline" -> line(b, "Samples per second: ", num(s.samplesPerSecond()));
      default -> line(b, s.metricName() + " : ", s.targetPercentileLatencyNs() == null ? "n/a"
          : String.valueOf(s.targetPercentileLatencyNs()));
    }
    line(b, "Result is : ", s.result());
    if (s.performanceConstraints() != Check.NOT_APPLICABLE) {
      line(b, "  Performance constraints satisfied : ", s.performanceConstraints().text());
    }
    line(b, "  Min duration satisfied : ", s.minDuration().text());
    line(b, "  Min queries satisfied : ", s.minQueries().text());
    line(b, "  Early stopping satisfied: ", s.earlyStopping().text());
    line(b, "  Failed queries satisfied : ", s.failedQueriesCheck().text());
    if (s.accuracyTarget() != Check.NOT_APPLICABLE) line(b, "  Accuracy satisfied : ", s.accuracyTarget().text());
    if (!s.valid()) {
      b.append("Recommendations:\n");
      for (String r : s.invalidReasons()) b.append(" * ").append(r).append('\n');
      for (String r : s.recommendations()) b.append(" * ").append(r).append('\n');
    }
    if (s.earlyStoppingResult() != null) {
      b.append("Early Stopping Result:\n").append(s.earlyStoppingResult()).append('\n');
    }

    b.append('\n').append(RULE).append('\n').append("Additional Stats\n").append(RULE).append('\n');
    switch (s.scenario()) {
      case "SingleStream" -> {
        line(b, "QPS w/ loadgen overhead         : ", num(s.qpsWithLoadgenOverhead()));
        line(b, "QPS w/o loadgen overhead        : ", num(s.qpsWithoutLoadgenOverhead()));
        b.append('\n');
      }
      case "Server" -> {
        line(b, "Completed samples per second    : ", num(s.completedSamplesPerSecond()));
        line(b, "Scheduled samples per second    : ", num(s.scheduledSamplesPerSecond()));
        b.append('\n');
      }
      case "MultiStream" -> b.append("Per-query latency:  \n");
      default -> { }
    }
    LatencyStats l = s.latency();
    if (l != null) {
      line(b, "Min latency (ns)                : ", String.valueOf(l.minNs()));
      line(b, "Max latency (ns)                : ", String.valueOf(l.maxNs()));
      line(b, "Mean latency (ns)               : ", String.valueOf(l.meanNs()));
      for (Map.Entry<String, Long> e : l.percentilesNs().entrySet()) {
        line(b, e.getKey() + " percentile latency (ns)   : ", String.valueOf(e.getValue()));
      }
    } else {
      b.append("No successful query: no latency statistics.\n");
    }
    b.append('\n');
    line(b, "Queries issued                  : ", String.valueOf(s.queryCount()));
    line(b, "Samples completed               : ", String.valueOf(s.sampleCount()));
    line(b, "Failed queries                  : ", String.valueOf(s.failedQueries()));
    line(b, "Timed out queries               : ", String.valueOf(s.timedOutQueries()));
    if (s.overLatencyCount() != null) line(b, "Over-latency queries            : ", String.valueOf(s.overLatencyCount()));
    line(b, "Issue delay p50 (ns)            : ", String.valueOf(s.issueDelayP50Ns()));
    line(b, "Issue delay p99 (ns)            : ", String.valueOf(s.issueDelayP99Ns()));
    if (s.qosViolationRate() != null) line(b, "QoS violation rate              : ", num4(s.qosViolationRate()));
    if (s.energy() != null) {
      line(b, "Energy per query (J)            : ",
          num4(s.energy().meanJPerQuery()) + " (" + String.join("+", s.energy().sources()) + ")");
    }
    if (s.accuracy() != null) {
      line(b, "Accuracy                        : ", num4(s.accuracy().accuracy()) + " (" + s.accuracy().matched() + " of "
          + s.accuracy().queries() + " match the FP32 reference)");
    }

    b.append('\n').append(RULE).append('\n').append("Test Parameters Used\n").append(RULE).append('\n');
    for (Map.Entry<String, String> e : s.testParameters().entrySet()) {
      String sep = e.getKey().endsWith(")") ? ": " : " : "; // MLPerf: "target_latency (ns): ..."
      line(b, e.getKey() + sep, e.getValue());
    }
    b.append('\n');
    if (s.abortReason() != null) b.append("1 ERROR encountered during test: aborted: ").append(s.abortReason()).append('\n');
    else b.append("No errors encountered during test.\n");
    if (s.lateCompletions() > 0) b.append(s.lateCompletions()).append(" completions arrived after their timeout.\n");
    return b.toString();
  }

  private static void line(StringBuilder b, String key, String value) { b.append(key).append(value).append('\n'); }

  private static String num4(double v) { return String.format(Locale.ROOT, "%.4f", v); }

  private static String num(Double v) { return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v); }
}
