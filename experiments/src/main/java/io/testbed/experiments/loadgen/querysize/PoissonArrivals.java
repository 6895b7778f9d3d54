package io.testbed.experiments.loadgen.querysize;

import java.util.random.RandomGenerator;

/**
 * Open-loop Poisson arrival times whose rate can change while the load runs (SYSTEMS.md section 2: "Arrivals: Poisson
 * process"; DeepRecSched's tuning loop moves the load along its grid). Gaps are exponential with mean {@code 1/qps},
 * drawn as LoadGen's Server scenario draws them ({@code -log1p(-u) / qps}, accumulated in seconds so rounding does not
 * drift). LoadGen's own Server schedule has one fixed {@code targetQps}; this class is the changeable-rate version.
 * A rate change at time {@code t} redraws the pending arrival as {@code t + Exp(newQps)}: exact for a
 * piecewise-constant rate, because the exponential gap is memoryless. Pure and single-threaded: times are ns since the
 * caller's origin, the generator is seeded by the caller.
 */
public final class PoissonArrivals {
  private final RandomGenerator rng;
  private double qps;
  private double nextSeconds;

  /** The first arrival is drawn from {@code startNs}. */
  public PoissonArrivals(RandomGenerator rng, double qps, long startNs) {
    if (rng == null) throw new IllegalArgumentException("rng is required");
    requireRate(qps);
    this.rng = rng;
    this.qps = qps;
    this.nextSeconds = startNs / 1e9 + gap();
  }

  /** The current rate in queries per second. */
  public double qps() { return qps; }

  /** The scheduled time of the next arrival, in ns (not consumed). */
  public long peekNs() { return Math.round(nextSeconds * 1e9); }

  /** Consumes the next arrival: returns its scheduled time and draws the one after it. */
  public long nextNs() {
    long at = peekNs();
    nextSeconds += gap();
    return at;
  }

  /** Changes the rate from {@code nowNs} on; the pending arrival is redrawn from {@code nowNs} at the new rate. */
  public void changeRate(double newQps, long nowNs) {
    requireRate(newQps);
    this.qps = newQps;
    this.nextSeconds = nowNs / 1e9 + gap();
  }

  private double gap() { return -Math.log1p(-rng.nextDouble()) / qps; }

  private static void requireRate(double qps) {
    if (!(qps > 0 && Double.isFinite(qps))) throw new IllegalArgumentException("qps must be > 0, got " + qps);
  }
}
