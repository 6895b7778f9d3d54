package io.testbed.orchestrator.model;

import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Summary of a job's results: counts, latency statistics of the ok results (HdrHistogram, microsecond resolution), mean
 * compute time and energy.
 *
 * @param energySource {@code metered} or {@code modelled} when every result with energy has that source, {@code mixed}
 *     when they differ, null when no result carried energy
 */
public record JobSummary(
    int count,
    int ok,
    int failed,
    Map<String, Integer> outcomes,
    Latency latencyMs,
    Double computeMsMean,
    Double energyJTotal,
    Double energyJMean,
    String energySource) {

  /** Latency statistics in milliseconds; null when no result was ok. */
  public record Latency(double mean, double p50, double p95, double max) {}

  private static final long MAX_LATENCY_US = 3_600_000_000L;

  public static JobSummary of(List<InferenceResult> results) {
    Histogram h = new Histogram(MAX_LATENCY_US, 3);
    Map<String, Integer> outcomes = new TreeMap<>();
    int ok = 0;
    double computeSum = 0;
    double energySum = 0;
    int energyCount = 0;
    String source = null;
    for (InferenceResult r : results) {
      outcomes.merge(r.outcome().wireName(), 1, Integer::sum);
      if (r.outcome() != Outcome.OK) continue;
      ok++;
      h.recordValue(Math.min(MAX_LATENCY_US, Math.max(0, Math.round(r.latencyMs() * 1000))));
      computeSum += r.computeMs();
      if (r.energyJ() != null) {
        energySum += r.energyJ();
        energyCount++;
        String s = r.energySource() == null ? null : r.energySource().wireName();
        source = source == null ? s : source.equals(s) ? source : "mixed";
      }
    }
    Latency latency = ok == 0 ? null
        : new Latency(h.getMean() / 1000.0, h.getValueAtPercentile(50) / 1000.0,
            h.getValueAtPercentile(95) / 1000.0, h.getMaxValue() / 1000.0);
    return new JobSummary(
        results.size(),
        ok,
        results.size() - ok,
        outcomes,
        latency,
        ok == 0 ? null : computeSum / ok,
        energyCount == 0 ? null : energySum,
        energyCount == 0 ? null : energySum / energyCount,
        source);
  }
}
