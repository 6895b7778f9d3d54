package io.testbed.orchestrator.policy.recsched;

/** Nearest-rank percentiles as MLPerf's LoadGen takes them ({@code sorted[floor(n * p)]}, as the experiments module's {@code LatencyStats}). */
final class Percentiles {
  private Percentiles() {}

  /** @param sorted ascending, at least one value */
  static long nearestRank(long[] sorted, double p) {
    if (sorted.length == 0) throw new IllegalArgumentException("no values");
    int i = (int) Math.min(sorted.length - 1, (long) Math.floor(sorted.length * p));
    return sorted[i];
  }
}
