package io.testbed.orchestrator.policy.autoscale;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * MLPerf-style aggregation of requests-to-quality over N seeded repetitions (SYSTEMS.md section 8): drop the fastest
 * and the slowest run, average the rest; more than one non-converging run invalidates the result (one is allowed: it
 * is the slowest, so it is dropped).
 */
public final class TimeToQuality {
  private TimeToQuality() {}

  /**
   * The aggregate.
   *
   * @param valid false when more than one run did not converge, or fewer than 3 runs were given
   * @param mean the mean of the kept runs (NaN when not valid)
   * @param spread {@code (max - min) / 2 / mean} of the kept runs, the relative half-range (NaN when not valid)
   * @param reason why not valid, else empty
   */
  public record Aggregate(int runs, int notConverged, boolean valid, double mean, double spread, String reason) {}

  public static Aggregate aggregate(List<OptionalInt> runs) {
    int notConverged = (int) runs.stream().filter(OptionalInt::isEmpty).count();
    if (runs.size() < 3) return new Aggregate(runs.size(), notConverged, false, Double.NaN, Double.NaN, "needs >= 3 runs");
    if (notConverged > 1) {
      return new Aggregate(runs.size(), notConverged, false, Double.NaN, Double.NaN,
          notConverged + " runs did not converge (at most 1 may)");
    }
    List<Integer> v = new ArrayList<>();
    runs.forEach(r -> r.ifPresent(v::add));
    v.sort(null);
    List<Integer> kept = notConverged == 1 ? v.subList(1, v.size()) : v.subList(1, v.size() - 1);
    double mean = kept.stream().mapToInt(Integer::intValue).average().orElse(Double.NaN);
    double spread = (kept.get(kept.size() - 1) - kept.get(0)) / 2.0 / mean;
    return new Aggregate(runs.size(), notConverged, true, mean, spread, "");
  }
}
