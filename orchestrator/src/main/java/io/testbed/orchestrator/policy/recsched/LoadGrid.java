package io.testbed.orchestrator.policy.recsched;

/**
 * DeepRecSched's log-spaced load grid (SYSTEMS.md section 2): point {@code i} is {@code minQps * 10^(i /
 * stepsPerDecade)}, for every {@code i} whose point does not exceed {@code maxQps}. Steps move one index and clamp at
 * both ends.
 */
public record LoadGrid(double minQps, double maxQps, int stepsPerDecade) {
  private static final double EPS = 1e-9;

  public LoadGrid {
    if (!(minQps > 0 && Double.isFinite(minQps))) throw new IllegalArgumentException("minQps must be > 0");
    if (!(maxQps >= minQps && Double.isFinite(maxQps))) throw new IllegalArgumentException("maxQps must be >= minQps");
    if (stepsPerDecade < 1) throw new IllegalArgumentException("stepsPerDecade must be >= 1");
  }

  /** Number of grid points (at least 1). */
  public int size() { return (int) Math.floor(Math.log10(maxQps / minQps) * stepsPerDecade + EPS) + 1; }

  public int top() { return size() - 1; }

  /** The load at index {@code i} (clamped into the grid). */
  public double qpsAt(int i) { return minQps * Math.pow(10, (double) clamp(i) / stepsPerDecade); }

  public int clamp(int i) { return Math.max(0, Math.min(top(), i)); }

  public int up(int i) { return clamp(clamp(i) + 1); }

  public int down(int i) { return clamp(clamp(i) - 1); }

  /** The highest index whose load is <= {@code qps} (0 when {@code qps} is below the grid). */
  public int indexAtOrBelow(double qps) {
    if (!(qps > minQps)) return 0;
    return clamp((int) Math.floor(Math.log10(qps / minQps) * stepsPerDecade + EPS));
  }
}
