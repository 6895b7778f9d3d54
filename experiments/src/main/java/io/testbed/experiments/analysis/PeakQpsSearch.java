package io.testbed.experiments.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finds the highest Server target QPS whose run is VALID (MLPerf's Server metric, SYSTEMS.md section 7): doubles from
 * a start rate until a run fails (or halves until one passes), then bisects between the best valid and the lowest
 * invalid rate until they are within a relative tolerance. Pure: the runner does the runs.
 */
public final class PeakQpsSearch {
  private final double relativeTolerance;
  private final int maxRuns;
  private final double minQps;

  /**
   * @param relativeTolerance stop when {@code (invalid - valid) / valid <= relativeTolerance}
   * @param maxRuns upper bound on runs
   * @param minQps give up below this rate
   */
  public PeakQpsSearch(double relativeTolerance, int maxRuns, double minQps) {
    if (!(relativeTolerance > 0) || maxRuns < 1 || !(minQps > 0)) throw new IllegalArgumentException("bad search settings");
    this.relativeTolerance = relativeTolerance;
    this.maxRuns = maxRuns;
    this.minQps = minQps;
  }

  /** One run of the search. */
  public record Trial(double targetQps, boolean valid, double metricValue) {}

  /**
   * Outcome: the best valid rate (0 when none), its summary (null when none), and every trial in order.
   *
   * @param converged true when the bracket closed within the tolerance
   */
  public record Result(double peakQps, Summary best, List<Trial> trials, boolean converged) {
    public Result {
      trials = List.copyOf(trials);
    }
  }

  public Result search(double startQps, Function<Double, Summary> runAt) {
    if (!(startQps > 0)) throw new IllegalArgumentException("startQps must be > 0");
    List<Trial> trials = new ArrayList<>();
    double valid = 0;
    Summary best = null;
    double invalid = Double.POSITIVE_INFINITY;
    double q = startQps;
    // Bracket.
    while (trials.size() < maxRuns) {
      Summary s = runAt.apply(q);
      trials.add(new Trial(q, s.valid(), s.metricValue()));
      if (s.valid()) {
        valid = q;
        best = s;
        if (invalid < Double.POSITIVE_INFINITY) break;
        q *= 2;
      } else {
        invalid = q;
        if (valid > 0) break;
        q /= 2;
        if (q < minQps) return new Result(0, null, trials, false);
      }
    }
    // Bisect.
    while (trials.size() < maxRuns && (invalid - valid) / valid > relativeTolerance) {
      double mid = (valid + invalid) / 2;
      Summary s = runAt.apply(mid);
      trials.add(new Trial(mid, s.valid(), s.metricValue()));
      if (s.valid()) {
        valid = mid;
        best = s;
      } else {
        invalid = mid;
      }
    }
    boolean converged = valid > 0 && (invalid - valid) / valid <= relativeTolerance;
    return new Result(valid, best, trials, converged);
  }
}
