package io.testbed.orchestrator.policy.energy;

import io.testbed.orchestrator.policy.clock.ClockSync;
import io.testbed.protocol.PowerSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per-inference energy from a bound meter: maps the inference window (device clock) and the meter's samples (meter
 * clock) onto the orchestrator's clock with each side's {@link ClockSync.Estimate}, then integrates with
 * {@link EnergyIntegrator}. The timestamp uncertainty is the root sum square of both clocks' uncertainties. When the
 * meter is too slow for the window, the averaging window spans the device's recent inferences (corrected windows
 * given by the caller) up to this one. With {@code measureIdle}, the idle baseline is the mean power of the samples
 * outside every recent inference window (at least {@link EnergyIntegrator#DEFAULT_MIN_SAMPLES} of them, else no
 * baseline and the note says so). Pure.
 */
public final class MeteredEnergy {
  private final EnergyIntegrator integrator;
  private final long idleGuardNs;

  /** @param idleGuardNs margin around inference windows that idle samples must keep */
  public MeteredEnergy(EnergyIntegrator integrator, long idleGuardNs) {
    this.integrator = integrator;
    this.idleGuardNs = idleGuardNs;
  }

  /** An inference window on the orchestrator's clock. */
  public record Window(long startNs, long endNs) {}

  /**
   * The energy of one inference and the facts it rests on.
   *
   * @param startNs corrected start (orchestrator clock)
   * @param endNs corrected end
   * @param alignmentUncertaintyNs timestamp uncertainty used (both clocks, root sum square)
   * @param idleBaselineW the baseline subtracted (0 when none)
   */
  public record Outcome(EnergyResult energy, long startNs, long endNs, double alignmentUncertaintyNs, double idleBaselineW) {}

  /**
   * @param meterSamples the meter's samples on its own clock, strictly increasing
   * @param meterClock the meter's clock estimate
   * @param deviceClock the device's clock estimate
   * @param recent corrected windows of the device's earlier inferences (any order), for the averaging fallback and idle
   * @param averagingSpanNs how far back the averaging window may reach
   */
  public Outcome compute(List<PowerSample> meterSamples, ClockSync.Estimate meterClock, ClockSync.Estimate deviceClock,
      long startDeviceNs, long endDeviceNs, List<Window> recent, long averagingSpanNs, boolean measureIdle) {
    long start = deviceClock.correct(startDeviceNs);
    long end = deviceClock.correct(endDeviceNs);
    double sigma = Math.hypot(meterClock.uncertaintyNs(), deviceClock.uncertaintyNs());
    if (end <= start) {
      return new Outcome(new EnergyResult(Double.NaN, 0, Double.NaN, EnergyResult.Method.UNAVAILABLE,
          "the inference window is empty (end <= start)"), start, end, sigma, 0);
    }
    List<PowerSample> corrected = correct(meterSamples, meterClock);
    if (corrected.isEmpty()) {
      return new Outcome(new EnergyResult(Double.NaN, 0, Double.NaN, EnergyResult.Method.UNAVAILABLE,
          "no samples from the bound meter"), start, end, sigma, 0);
    }
    double baseline = 0;
    String idleNote = "";
    if (measureIdle) {
      List<Window> all = new ArrayList<>(recent);
      all.add(new Window(start, end));
      double sum = 0;
      int n = 0;
      for (PowerSample s : corrected) {
        if (outsideAll(s.timestampNs(), all)) {
          sum += s.powerW();
          n++;
        }
      }
      if (n >= EnergyIntegrator.DEFAULT_MIN_SAMPLES) {
        baseline = sum / n;
        idleNote = String.format(Locale.ROOT, "idle baseline %.4f W from %d samples outside inferences", baseline, n);
      } else {
        idleNote = "idle baseline not subtracted: only " + n + " samples outside inferences";
      }
    }
    EnergyIntegrator.AveragingWindow fallback = averagingWindow(start, end, recent, averagingSpanNs);
    EnergyResult r = integrator.energy(corrected, start, end, baseline, sigma, fallback);
    if (!idleNote.isEmpty()) r = new EnergyResult(r.energyJ(), r.samplesInWindow(), r.uncertaintyJ(), r.method(),
        r.note().isEmpty() ? idleNote : r.note() + "; " + idleNote);
    return new Outcome(r, start, end, sigma, baseline);
  }

  private boolean outsideAll(long t, List<Window> windows) {
    for (Window w : windows) {
      if (t >= w.startNs() - idleGuardNs && t <= w.endNs() + idleGuardNs) return false;
    }
    return true;
  }

  /** The recent inferences that end before this one starts and begin within the span, plus this one; null when none. */
  static EnergyIntegrator.AveragingWindow averagingWindow(long start, long end, List<Window> recent, long spanNs) {
    long from = start;
    int count = 1;
    for (Window w : recent) {
      if (w.endNs() <= start && w.startNs() >= end - spanNs) {
        count++;
        from = Math.min(from, w.startNs());
      }
    }
    return count < 2 ? null : new EnergyIntegrator.AveragingWindow(from, end, count);
  }

  /** The meter's samples on the orchestrator's clock (a drift estimate keeps them increasing). */
  static List<PowerSample> correct(List<PowerSample> samples, ClockSync.Estimate clock) {
    List<PowerSample> out = new ArrayList<>(samples.size());
    long last = Long.MIN_VALUE;
    for (PowerSample s : samples) {
      long t = clock.correct(s.timestampNs());
      if (t <= last || t < 0) continue;
      out.add(new PowerSample(t, s.powerW(), s.voltageV(), s.currentA()));
      last = t;
    }
    return out;
  }
}
