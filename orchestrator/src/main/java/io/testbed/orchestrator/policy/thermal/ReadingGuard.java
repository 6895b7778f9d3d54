package io.testbed.orchestrator.policy.thermal;

import java.util.Locale;

/**
 * The controllers' check of each temperature reading before acting on it (issue 7: implausible readings are flagged
 * and ignored): not a number, outside [{@code minC}, {@code maxC}], or a jump from the last accepted reading beyond
 * what a two-time-constant RC node can do in the elapsed time (SYSTEMS.md section 4):
 * {@code fastSwingC (1 - e^(-dt/tauFast)) + slowSwingC (1 - e^(-dt/tauSlow)) + toleranceC}, where each swing is the
 * node's largest power times that stage's thermal resistance. The agent applies the same rule to its own sensors
 * ({@code io.testbed.agent.sensor.PlausibilityFilter}); the orchestrator checks again because it acts on what arrives.
 */
public record ReadingGuard(double minC, double maxC, double fastSwingC, long tauFastNs, double slowSwingC, long tauSlowNs, double toleranceC) {
  public ReadingGuard {
    if (!(minC < maxC)) throw new IllegalArgumentException("minC must be < maxC");
    if (!(fastSwingC >= 0) || !(slowSwingC >= 0) || !(toleranceC >= 0)) throw new IllegalArgumentException("swings and tolerance must be >= 0");
    if (tauFastNs <= 0 || tauSlowNs <= 0) throw new IllegalArgumentException("time constants must be > 0");
  }

  /** A guard that only checks NaN and range (no rate bound): for tests and nodes without a thermal model. */
  public static ReadingGuard rangeOnly(double minC, double maxC) {
    return new ReadingGuard(minC, maxC, Double.POSITIVE_INFINITY, 1, 0, 1, 0);
  }

  /** [-40, 150] C with the Stagioni default RC (7.5 K/W, 5 ms; 20 K/W, 5 s) at {@code maxPowerW}, 2 C tolerance. */
  public static ReadingGuard stagioni(double maxPowerW) {
    return new ReadingGuard(-40, 150, 7.5 * maxPowerW, 5_000_000L, 20 * maxPowerW, 5_000_000_000L, 2);
  }

  /** Why {@code tempC} at {@code nowNs} is implausible after the last accepted reading, or null when it is plausible. */
  public String reject(double lastC, long lastNs, double tempC, long nowNs) {
    if (!Double.isFinite(tempC)) return "not a number";
    if (tempC < minC || tempC > maxC) return String.format(Locale.ROOT, "%.1f C outside [%.0f, %.0f] C", tempC, minC, maxC);
    if (Double.isFinite(lastC)) {
      long dt = nowNs - lastNs;
      if (dt < 0) return "older than the last accepted reading";
      double fast = Double.isInfinite(fastSwingC) ? Double.POSITIVE_INFINITY : fastSwingC * -Math.expm1(-(double) dt / tauFastNs);
      double bound = fast + slowSwingC * -Math.expm1(-(double) dt / tauSlowNs) + toleranceC;
      double jump = Math.abs(tempC - lastC);
      if (jump > bound) return String.format(Locale.ROOT, "jump of %.1f C in %.3f s beyond the physical bound %.1f C", jump, dt / 1e9, bound);
    }
    return null;
  }
}
