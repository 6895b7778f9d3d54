package io.testbed.experiments.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Latency statistics of a set of queries, with MLPerf's percentiles 50/90/95/97/99/99.9. Percentiles are exact
 * nearest-rank values as MLPerf's LoadGen takes them ({@code sorted[floor(n * p)]}), so verdicts at a bound are exact.
 *
 * @param percentilesNs keys as the summary prints them: {@code "50.00"}, ..., {@code "99.90"}
 */
public record LatencyStats(long count, long minNs, long maxNs, long meanNs, Map<String, Long> percentilesNs) {
  /** The percentiles MLPerf reports. */
  public static final List<Double> PERCENTILES = List.of(0.50, 0.90, 0.95, 0.97, 0.99, 0.999);

  public LatencyStats {
    percentilesNs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(percentilesNs));
  }

  /** @param sorted ascending latencies, at least one */
  public static LatencyStats of(long[] sorted) {
    if (sorted.length == 0) throw new IllegalArgumentException("no latencies");
    long sum = 0;
    for (long v : sorted) sum += v;
    Map<String, Long> p = new LinkedHashMap<>();
    for (double q : PERCENTILES) p.put(key(q), percentile(sorted, q));
    return new LatencyStats(sorted.length, sorted[0], sorted[sorted.length - 1], sum / sorted.length, p); // integer mean, as MLPerf
  }

  /** MLPerf's nearest rank: {@code sorted[floor(n * p)]}. */
  public static long percentile(long[] sorted, double p) {
    int i = (int) Math.min(sorted.length - 1, (long) Math.floor(sorted.length * p));
    return sorted[i];
  }

  public static String key(double p) { return String.format(Locale.ROOT, "%.2f", p * 100); }

  public long percentileNs(double p) {
    Long v = percentilesNs.get(key(p));
    if (v == null) throw new IllegalArgumentException("percentile " + p + " not kept");
    return v;
  }
}
