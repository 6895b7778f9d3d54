package io.testbed.experiments.analysis;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.math3.special.Beta;

/**
 * MLPerf's early-stopping test (SYSTEMS.md section 7, after MLPerf LoadGen's {@code early_stopping.cc}). With
 * {@code t} queries over the latency bound, {@code h(t)} is the least number of passing queries such that
 * {@code I_p(h, t + 1) < 1 - c} ({@code I} the regularised incomplete beta function): the probability of seeing at
 * most {@code t} overlatency queries among {@code h + t}, were the true percentile worse than {@code p}, is below
 * {@code 1 - c}.
 */
public final class EarlyStopping {
  private static final Map<String, Long> CACHE = new ConcurrentHashMap<>();

  private EarlyStopping() {}

  /** The least {@code h} with {@code I_p(h, t + 1) < 1 - c}. */
  public static long minPassing(long t, double p, double c) {
    if (t < 0) throw new IllegalArgumentException("t must be >= 0");
    if (!(p > 0 && p < 1) || !(c > 0 && c < 1)) throw new IllegalArgumentException("p and c must be in (0, 1)");
    return CACHE.computeIfAbsent(t + "/" + p + "/" + c, k -> search(t, p, c));
  }

  private static long search(long t, double p, double c) {
    double tolerance = 1 - c;
    // I_p(h, t+1) falls as h grows: bracket by doubling, then bisect for the least passing h.
    long lo = 1;
    long hi = Math.max(2, (long) Math.ceil(Math.log(tolerance) / Math.log(p)) * (t + 1));
    while (!passes(hi, t, p, tolerance)) {
      lo = hi;
      hi *= 2;
    }
    if (passes(lo, t, p, tolerance)) return lo;
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (passes(mid, t, p, tolerance)) hi = mid; else lo = mid;
    }
    return hi;
  }

  private static boolean passes(long h, long t, double p, double tolerance) {
    return Beta.regularizedBeta(p, h, t + 1) < tolerance;
  }

  /**
   * SingleStream / MultiStream: the number of queries needed ({@code h(1) + 1}), and, when enough were run, the
   * percentile estimate: with {@code t} the largest count such that {@code h(t) + t <= n}, the latency at sorted index
   * {@code n - t} (the {@code t - 1} highest latencies are discarded).
   *
   * @param sortedLatencies all query latencies, ascending (failed queries as {@link Long#MAX_VALUE})
   */
  public static Estimate estimate(long[] sortedLatencies, double p, double c) {
    int n = sortedLatencies.length;
    long needed = minPassing(1, p, c) + 1;
    if (n < needed) {
      return new Estimate(false, needed, 0, -1,
          " * Only processed " + n + " queries.\n * Need to process at least " + needed
              + " queries for early stopping.");
    }
    // h(t) + t grows with t: bisect for the largest t with h(t) + t <= n.
    long lo = 1;
    long hi = n;
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (minPassing(mid, p, c) + mid <= n) lo = mid; else hi = mid;
    }
    long t = minPassing(hi, p, c) + hi <= n ? hi : lo;
    long estimate = sortedLatencies[(int) (n - t)];
    String pct = percentName(p);
    return new Estimate(true, needed, t, estimate,
        " * Processed at least " + needed + " queries (" + n + ").\n * Would discard " + (t - 1)
            + " highest latency queries.\n * Early stopping " + pct + " percentile estimate: " + estimate);
  }

  /**
   * Server: with {@code overLatency} of {@code n} queries over the bound, the run passes when
   * {@code n >= h(overLatency) + overLatency}.
   */
  public static Estimate server(long n, long overLatency, double p, double c) {
    long h = minPassing(overLatency, p, c);
    if (n >= h + overLatency) return new Estimate(true, h + overLatency, overLatency, -1, " * Run successful.");
    return new Estimate(false, h + overLatency, overLatency, -1,
        " * Run unsuccessful.\n * Processed " + n + " queries.\n * Would need to run at least " + (h + overLatency - n)
            + " more queries,\n with the run being successful if every additional\n query were under latency.");
  }

  static String percentName(double p) {
    double pct = p * 100;
    return (Math.abs(pct - Math.rint(pct)) < 1e-9 ? String.valueOf((long) Math.rint(pct)) : String.format(java.util.Locale.ROOT, "%.1f", pct)) + "th";
  }

  /**
   * Outcome of an early-stopping check.
   *
   * @param met whether the check passed
   * @param queriesNeeded queries the check needs at least
   * @param t queries allowed over the estimate (SingleStream/MultiStream) or over the bound (Server)
   * @param estimateNs the percentile estimate, -1 when none
   * @param recommendation MLPerf-style text for the summary's "Early Stopping Result" section
   */
  public record Estimate(boolean met, long queriesNeeded, long t, long estimateNs, String recommendation) {}
}
