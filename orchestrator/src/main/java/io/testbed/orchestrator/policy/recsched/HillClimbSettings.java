package io.testbed.orchestrator.policy.recsched;

/**
 * Settings of DeepRecSched's inner loop (SYSTEMS.md section 2): the p95 SLA, the hold band (raise the load only while
 * p95 < SLA / holdBand; paper: 1.1), the load grid, the window size (paper: 64 queries), the timeout (a number of
 * windows and, optionally, a duration on the caller's clock; whichever comes first), how many of the last windows'
 * loads the median is taken over, and the optional confirmation ({@code confirmWindows} > 0, our addition; see
 * {@link HillClimber}). No defaults hidden here: the orchestrator's {@code reference.conf} holds them.
 *
 * @param maxDurationNs 0 = no time limit, windows only
 * @param confirmWindows 0 = paper-exact (no confirmation); else windows per confirmation round, the first of them a
 *     warm-up when there are two or more
 */
public record HillClimbSettings(
    long slaNs,
    double holdBand,
    LoadGrid grid,
    int windowQueries,
    int maxWindows,
    long maxDurationNs,
    int medianOfLast,
    int confirmWindows) {

  public HillClimbSettings {
    if (slaNs <= 0) throw new IllegalArgumentException("slaNs must be > 0");
    if (!(holdBand >= 1 && Double.isFinite(holdBand))) throw new IllegalArgumentException("holdBand must be >= 1");
    if (grid == null) throw new IllegalArgumentException("grid is required");
    if (windowQueries < 1) throw new IllegalArgumentException("windowQueries must be >= 1");
    if (maxWindows < 1) throw new IllegalArgumentException("maxWindows must be >= 1");
    if (maxDurationNs < 0) throw new IllegalArgumentException("maxDurationNs must be >= 0 (0 = no limit)");
    if (medianOfLast < 1 || medianOfLast > maxWindows) {
      throw new IllegalArgumentException("medianOfLast must be in [1, maxWindows]");
    }
    if (confirmWindows < 0) throw new IllegalArgumentException("confirmWindows must be >= 0 (0 = no confirmation)");
  }

  /** p95 above this lowers the load one step. */
  public boolean overSla(long p95Ns) { return p95Ns > slaNs; }

  /** p95 below SLA / holdBand raises the load one step; in between the load holds. */
  public boolean belowBand(long p95Ns) { return p95Ns < slaNs / holdBand; }
}
