package io.testbed.orchestrator.policy.recsched;

import java.util.Arrays;
import java.util.List;

/**
 * The latencies of one window of completed queries (DeepRecSched measures every 64), sorted ascending; a failed or
 * timed-out query is {@link #FAILED} (infinitely late, so it always counts against the SLA). Percentiles are exact
 * nearest rank ({@code sorted[floor(n * p)]}, MLPerf's definition): with 64 queries p95 is the 61st smallest and p99
 * the largest.
 *
 * @param endNs time the window's last query completed (the caller's clock), for time-based timeouts
 */
public record WindowStats(List<Long> latenciesNs, long endNs) {
  public static final long FAILED = Long.MAX_VALUE;

  public WindowStats {
    if (latenciesNs.isEmpty()) throw new IllegalArgumentException("a window needs at least one latency");
    latenciesNs = latenciesNs.stream().sorted().toList();
  }

  public static WindowStats of(long[] latenciesNs, long endNs) {
    return new WindowStats(Arrays.stream(latenciesNs).boxed().toList(), endNs);
  }

  public int count() { return latenciesNs.size(); }

  public long p95Ns() { return percentileNs(0.95); }

  public long p99Ns() { return percentileNs(0.99); }

  public long percentileNs(double p) {
    int i = (int) Math.min(latenciesNs.size() - 1, (long) Math.floor(latenciesNs.size() * p));
    return latenciesNs.get(i);
  }

  long[] sortedArray() { return latenciesNs.stream().mapToLong(Long::longValue).toArray(); }
}
