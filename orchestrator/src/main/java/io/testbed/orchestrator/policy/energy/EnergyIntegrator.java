package io.testbed.orchestrator.policy.energy;

import io.testbed.protocol.PowerSample;
import java.util.List;
import java.util.Locale;

/**
 * Per-inference energy from a meter's power samples (the power-meter issue, item 3).
 *
 * <p>Power is piecewise linear between samples; the window [start, end] is integrated with the trapezoidal rule,
 * interpolating at its edges. Where the window reaches past the first or last sample the edge sample is held and the
 * uncovered span is added to the uncertainty and named in the note. An idle baseline (W) is subtracted over the
 * window. When fewer than {@code minSamples} samples fall inside the window the meter is too slow for it: the result
 * is the energy of a caller-given wider window divided by the number of inferences in it ({@code window-average}),
 * and the note says so. Pure; samples must be in strictly increasing time order.
 */
public final class EnergyIntegrator {
  public static final int DEFAULT_MIN_SAMPLES = 10;
  private static final double NS = 1e-9;

  private final int minSamples;

  public EnergyIntegrator() { this(DEFAULT_MIN_SAMPLES); }

  public EnergyIntegrator(int minSamples) {
    if (minSamples < 1) throw new IllegalArgumentException("minSamples must be >= 1, was " + minSamples);
    this.minSamples = minSamples;
  }

  /** A wider window, surrounding the inference, in which {@code inferences} inferences ran back to back. */
  public record AveragingWindow(long startNs, long endNs, int inferences) {
    public AveragingWindow {
      if (endNs <= startNs) throw new IllegalArgumentException("averaging window end must be after start");
      if (inferences < 1) throw new IllegalArgumentException("averaging window needs >= 1 inference, was " + inferences);
    }
  }

  /**
   * Energy of the inference window [startNs, endNs].
   *
   * @param idleBaselineW measured idle power subtracted over the window (0 for none)
   * @param timestampUncertaintyNs uncertainty of the alignment between meter and inference timestamps (clock sync)
   * @param fallback the wider window used when the meter is too slow; may be null (then the result is unavailable)
   */
  public EnergyResult energy(
      List<PowerSample> samples, long startNs, long endNs, double idleBaselineW, double timestampUncertaintyNs, AveragingWindow fallback) {
    if (endNs <= startNs) throw new IllegalArgumentException("window end must be after start: [" + startNs + ", " + endNs + "]");
    if (!(timestampUncertaintyNs >= 0)) throw new IllegalArgumentException("timestampUncertaintyNs must be >= 0");
    if (!Double.isFinite(idleBaselineW)) throw new IllegalArgumentException("idleBaselineW must be finite");
    requireIncreasing(samples);
    int inWindow = countIn(samples, startNs, endNs);
    if (inWindow >= minSamples) {
      Integral i = integrate(samples, startNs, endNs, idleBaselineW, timestampUncertaintyNs);
      return new EnergyResult(i.energyJ, inWindow, i.uncertaintyJ, EnergyResult.Method.INTEGRATED, i.note);
    }
    String tooFew = String.format(Locale.ROOT, "%d samples in the %.3f ms inference window, fewer than %d: meter too slow for per-inference integration",
        inWindow, (endNs - startNs) / 1e6, minSamples);
    if (fallback == null) {
      return new EnergyResult(Double.NaN, inWindow, Double.NaN, EnergyResult.Method.UNAVAILABLE, tooFew + "; no averaging window given");
    }
    if (fallback.startNs() > startNs || fallback.endNs() < endNs) {
      throw new IllegalArgumentException("averaging window must contain the inference window");
    }
    int inWide = countIn(samples, fallback.startNs(), fallback.endNs());
    if (inWide < minSamples) {
      return new EnergyResult(Double.NaN, inWindow, Double.NaN, EnergyResult.Method.UNAVAILABLE,
          tooFew + String.format(Locale.ROOT, "; the %.3f ms averaging window has only %d samples as well", (fallback.endNs() - fallback.startNs()) / 1e6, inWide));
    }
    Integral wide = integrate(samples, fallback.startNs(), fallback.endNs(), idleBaselineW, timestampUncertaintyNs);
    String note = tooFew + String.format(Locale.ROOT, "; energy averaged over a %.3f ms window of %d inferences (%d samples)",
        (fallback.endNs() - fallback.startNs()) / 1e6, fallback.inferences(), inWide) + (wide.note.isEmpty() ? "" : "; " + wide.note);
    return new EnergyResult(wide.energyJ / fallback.inferences(), inWindow, wide.uncertaintyJ / fallback.inferences(),
        EnergyResult.Method.WINDOW_AVERAGE, note);
  }

  /** Joules of the piecewise-linear power over [startNs, endNs], edge samples held where the window reaches past them. */
  public static double integrateJ(List<PowerSample> samples, long startNs, long endNs) {
    requireIncreasing(samples);
    return integrate(samples, startNs, endNs, 0, 0).energyJ;
  }

  /** Linearly interpolated power at {@code tNs}; the first or last sample is held outside their span. */
  public static double powerAtW(List<PowerSample> samples, long tNs) {
    if (samples.isEmpty()) throw new IllegalArgumentException("no samples");
    int n = samples.size();
    if (tNs <= samples.get(0).timestampNs()) return samples.get(0).powerW();
    if (tNs >= samples.get(n - 1).timestampNs()) return samples.get(n - 1).powerW();
    int i = lastAtOrBefore(samples, tNs);
    PowerSample a = samples.get(i);
    PowerSample b = samples.get(i + 1);
    double f = (double) (tNs - a.timestampNs()) / (double) (b.timestampNs() - a.timestampNs());
    return a.powerW() + f * (b.powerW() - a.powerW());
  }

  private record Integral(double energyJ, double uncertaintyJ, String note) {}

  private static Integral integrate(List<PowerSample> s, long startNs, long endNs, double baselineW, double sigmaNs) {
    if (s.isEmpty()) throw new IllegalArgumentException("no samples");
    int n = s.size();
    long first = s.get(0).timestampNs();
    long last = s.get(n - 1).timestampNs();
    double joules = 0;
    double uncoveredJ = 0;
    long uncoveredNs = 0;
    // held before the first sample
    if (startNs < first) {
      long span = Math.min(endNs, first) - startNs;
      joules += s.get(0).powerW() * span * NS;
      uncoveredJ += Math.abs(s.get(0).powerW() - baselineW) * span * NS;
      uncoveredNs += span;
    }
    // held after the last sample
    if (endNs > last) {
      long from = Math.max(startNs, last);
      long span = endNs - from;
      joules += s.get(n - 1).powerW() * span * NS;
      uncoveredJ += Math.abs(s.get(n - 1).powerW() - baselineW) * span * NS;
      uncoveredNs += span;
    }
    // trapezoids over the covered part
    long a = Math.max(startNs, first);
    long b = Math.min(endNs, last);
    if (a < b) {
      int i = lastAtOrBefore(s, a);
      long t = a;
      double p = powerAtW(s, a);
      while (t < b) {
        long next = Math.min(s.get(i + 1).timestampNs(), b);
        double pn = next == s.get(i + 1).timestampNs() ? s.get(i + 1).powerW() : powerAtW(s, next);
        joules += (p + pn) / 2 * (next - t) * NS;
        t = next;
        p = pn;
        i++;
      }
    }
    joules -= baselineW * (endNs - startNs) * NS;
    double edgeJ = sigmaNs * NS * (Math.abs(powerAtW(s, startNs) - baselineW) + Math.abs(powerAtW(s, endNs) - baselineW));
    String note = uncoveredNs == 0 ? "" : String.format(Locale.ROOT,
        "samples do not cover %.3f ms of the window: edge sample held there, counted in the uncertainty", uncoveredNs / 1e6);
    return new Integral(joules, edgeJ + uncoveredJ, note);
  }

  private static int countIn(List<PowerSample> s, long startNs, long endNs) {
    if (s.isEmpty() || s.get(0).timestampNs() > endNs || s.get(s.size() - 1).timestampNs() < startNs) return 0;
    int lo = firstAtOrAfter(s, startNs);
    int hi = lastAtOrBefore(s, endNs);
    return Math.max(0, hi - lo + 1);
  }

  /** Index of the last sample at or before t (0 when t precedes all). */
  private static int lastAtOrBefore(List<PowerSample> s, long t) {
    int lo = 0;
    int hi = s.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (s.get(mid).timestampNs() <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private static int firstAtOrAfter(List<PowerSample> s, long t) {
    int lo = 0;
    int hi = s.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s.get(mid).timestampNs() < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static void requireIncreasing(List<PowerSample> s) {
    for (int i = 1; i < s.size(); i++) {
      if (s.get(i).timestampNs() <= s.get(i - 1).timestampNs()) {
        throw new IllegalArgumentException("samples must be in strictly increasing time order; sample " + i + " is not");
      }
    }
  }
}
