package io.testbed.experiments.analysis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Aggregates N seeded repetitions the way MLPerf Training does (SYSTEMS.md section 8): with three or more runs, drop
 * the fastest and the slowest and average the rest; a failed run counts as the slowest, so one failure is absorbed
 * but more than one invalidates the result (with fewer than three runs there is nothing to drop, so any failure
 * does). The spread is the coefficient of variation of the kept values.
 */
public final class Repetitions {
  private Repetitions() {}

  /** One repetition's outcome: its headline metric, or {@code failed} (INVALID, aborted, crashed). */
  public record Run(int repetition, long seed, double value, boolean failed) {
    public static Run of(int repetition, long seed, Summary s) {
      return new Run(repetition, seed, s.metricValue(), !s.valid());
    }
  }

  /**
   * The aggregate.
   *
   * @param dropped repetitions left out of the mean (fastest and slowest)
   * @param mean mean of the kept values; NaN when nothing could be averaged
   * @param coefficientOfVariation sample standard deviation over mean of the kept values (0 for one value)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Aggregate(
      String metricName,
      boolean higherIsBetter,
      int runs,
      int failedRuns,
      List<Run> all,
      List<Integer> dropped,
      List<Integer> kept,
      double mean,
      double stddev,
      double coefficientOfVariation,
      double min,
      double max,
      String result,
      String reason) {
    public Aggregate {
      all = List.copyOf(all);
      dropped = List.copyOf(dropped);
      kept = List.copyOf(kept);
    }

    @JsonIgnore
    public boolean valid() { return Summary.VALID.equals(result); }
  }

  /** Aggregates repetition summaries (same scenario) on their headline metric. */
  public static Aggregate ofSummaries(List<Summary> summaries, List<Long> seeds) {
    if (summaries.isEmpty()) throw new IllegalArgumentException("no repetitions");
    if (seeds.size() != summaries.size()) throw new IllegalArgumentException("one seed per repetition");
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < summaries.size(); i++) runs.add(Run.of(i + 1, seeds.get(i), summaries.get(i)));
    Summary first = summaries.get(0);
    return aggregate(first.metricName(), first.higherIsBetter(), runs);
  }

  public static Aggregate aggregate(String metricName, boolean higherIsBetter, List<Run> runs) {
    if (runs.isEmpty()) throw new IllegalArgumentException("no repetitions");
    // Order from fastest to slowest; failed runs are the slowest of all.
    Comparator<Run> byValue = Comparator.comparingDouble(Run::value);
    if (higherIsBetter) byValue = byValue.reversed();
    List<Run> ordered = new ArrayList<>(runs.stream().filter(r -> !r.failed()).sorted(byValue).toList());
    runs.stream().filter(Run::failed).forEach(ordered::add);
    int failed = (int) runs.stream().filter(Run::failed).count();

    List<Run> keptRuns = ordered;
    List<Integer> dropped = new ArrayList<>();
    if (ordered.size() >= 3) {
      dropped.add(ordered.get(0).repetition());
      dropped.add(ordered.get(ordered.size() - 1).repetition());
      keptRuns = ordered.subList(1, ordered.size() - 1);
    }
    String reason = null;
    if (failed > 1) {
      reason = failed + " of " + runs.size() + " repetitions failed (at most one may)";
    } else if (failed == 1 && runs.size() < 3) {
      reason = "a repetition failed and fewer than 3 ran, so it cannot be dropped";
    }
    List<Run> valued = keptRuns.stream().filter(r -> !r.failed()).toList();
    double mean = valued.stream().mapToDouble(Run::value).average().orElse(Double.NaN);
    double var = 0;
    for (Run r : valued) var += (r.value() - mean) * (r.value() - mean);
    double stddev = valued.size() > 1 ? Math.sqrt(var / (valued.size() - 1)) : 0;
    double cv = valued.isEmpty() || mean == 0 ? Double.NaN : stddev / Math.abs(mean);
    double min = runs.stream().filter(r -> !r.failed()).mapToDouble(Run::value).min().orElse(Double.NaN);
    double max = runs.stream().filter(r -> !r.failed()).mapToDouble(Run::value).max().orElse(Double.NaN);
    if (reason == null && valued.isEmpty()) reason = "no repetition succeeded";
    return new Aggregate(metricName, higherIsBetter, runs.size(), failed, runs, dropped,
        keptRuns.stream().map(Run::repetition).toList(), mean, stddev, cv, min, max,
        reason == null ? Summary.VALID : Summary.INVALID, reason);
  }
}
