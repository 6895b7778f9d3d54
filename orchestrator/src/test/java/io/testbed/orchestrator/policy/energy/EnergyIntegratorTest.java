package io.testbed.orchestrator.policy.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.orchestrator.policy.energy.EnergyIntegrator.AveragingWindow;
import io.testbed.protocol.PowerSample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class EnergyIntegratorTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_764_489_600_000_000_000L; // an epoch instant, so the ns arithmetic is realistic
  private final EnergyIntegrator integrator = new EnergyIntegrator();

  /** Samples every {@code periodNs} over [T0, T0 + durationNs] of the signal p(t), t in seconds since T0. */
  private static List<PowerSample> sampled(long periodNs, long durationNs, LongToDoubleFunction powerAtOffsetNs) {
    List<PowerSample> out = new ArrayList<>();
    for (long t = 0; t <= durationNs; t += periodNs) out.add(new PowerSample(T0 + t, powerAtOffsetNs.applyAsDouble(t), null, null));
    return out;
  }

  @Test
  void constantPowerGivesPowerTimesDuration() {
    List<PowerSample> s = sampled(MS, 1000 * MS, t -> 2.0);
    EnergyResult r = integrator.energy(s, T0 + 100 * MS, T0 + 600 * MS, 0, 0, null);
    assertThat(r.method()).isEqualTo(EnergyResult.Method.INTEGRATED);
    assertThat(r.energyJ()).isCloseTo(1.0, within(1e-12)); // 2 W x 0.5 s
    assertThat(r.samplesInWindow()).isEqualTo(501);
    assertThat(r.note()).isEmpty();
  }

  @Test
  void windowEdgesBetweenSamplesAreInterpolated() {
    List<PowerSample> s = sampled(MS, 1000 * MS, t -> 2.0);
    // edges at 100.25 ms and 600.75 ms: 2 W x 0.5005 s
    EnergyResult r = integrator.energy(s, T0 + 100 * MS + 250_000, T0 + 600 * MS + 750_000, 0, 0, null);
    assertThat(r.energyJ()).isCloseTo(1.001, within(1e-12));
    assertThat(r.samplesInWindow()).isEqualTo(500); // 101 ms .. 600 ms
  }

  @Test
  void stepIsIntegratedAsPiecewiseLinear() {
    // 1 W before 500 ms, 3 W from 500 ms: the segment 499..500 ms ramps, so 1 x 0.499 + 2 x 0.001 + 3 x 0.5 = 2.001 J
    List<PowerSample> s = sampled(MS, 1000 * MS, t -> t < 500 * MS ? 1.0 : 3.0);
    EnergyResult r = integrator.energy(s, T0, T0 + 1000 * MS, 0, 0, null);
    assertThat(r.energyJ()).isCloseTo(2.001, within(1e-12));
    // window entirely after the step
    assertThat(integrator.energy(s, T0 + 600 * MS, T0 + 700 * MS, 0, 0, null).energyJ()).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void rampIsExactIncludingInterpolatedEdges() {
    // p(t) = 1 + 4 t (t in s): linear, so trapezoids are exact: integral over [t1, t2] = (t2 - t1) + 2 (t2^2 - t1^2)
    List<PowerSample> s = sampled(10 * MS, 1000 * MS, t -> 1 + 4 * (t / 1e9));
    double t1 = 0.1005;
    double t2 = 0.9;
    double expected = (t2 - t1) + 2 * (t2 * t2 - t1 * t1);
    EnergyResult r = integrator.energy(s, T0 + 100_500_000L, T0 + 900 * MS, 0, 0, null);
    assertThat(r.energyJ()).isCloseTo(expected, within(1e-12));
    assertThat(EnergyIntegrator.powerAtW(s, T0 + 100_500_000L)).isCloseTo(1 + 4 * t1, within(1e-12));
  }

  @Test
  void idleBaselineIsSubtracted() {
    List<PowerSample> s = sampled(MS, 1000 * MS, t -> 2.5);
    EnergyResult r = integrator.energy(s, T0 + 200 * MS, T0 + 400 * MS, 1.5, 0, null);
    assertThat(r.energyJ()).isCloseTo(0.2, within(1e-12)); // (2.5 - 1.5) W x 0.2 s
  }

  @Test
  void uncertaintyIsTimestampUncertaintyTimesEdgePower() {
    List<PowerSample> s = sampled(MS, 1000 * MS, t -> t < 500 * MS ? 1.0 : 3.0);
    // 50 us uncertainty; edges at 1 W and 3 W, baseline 0.5 W: 50e-6 x (0.5 + 2.5)
    EnergyResult r = integrator.energy(s, T0 + 100 * MS, T0 + 900 * MS, 0.5, 50_000, null);
    assertThat(r.uncertaintyJ()).isCloseTo(50e-6 * 3.0, within(1e-15));
  }

  @Test
  void tooSlowMeterFallsBackToWindowAverageAndSaysSo() {
    // a 10 Hz meter reading a constant 4 W; inference of 50 ms sees at most one sample
    List<PowerSample> s = sampled(100 * MS, 3000 * MS, t -> 4.0);
    AveragingWindow wide = new AveragingWindow(T0 + 500 * MS, T0 + 2500 * MS, 40); // 40 inferences in 2 s
    EnergyResult r = integrator.energy(s, T0 + 1010 * MS, T0 + 1060 * MS, 1.0, 0, wide);
    assertThat(r.method()).isEqualTo(EnergyResult.Method.WINDOW_AVERAGE);
    assertThat(r.samplesInWindow()).isZero();
    assertThat(r.energyJ()).isCloseTo((4.0 - 1.0) * 2.0 / 40, within(1e-12)); // 0.15 J
    assertThat(r.note()).contains("fewer than 10").contains("meter too slow").contains("40 inferences");
  }

  @Test
  void nineSamplesAreTooFewAndTenAreEnough() {
    List<PowerSample> s = sampled(10 * MS, 1000 * MS, t -> 1.0);
    AveragingWindow wide = new AveragingWindow(T0, T0 + 1000 * MS, 10);
    // [100, 180] ms holds 100, 110, ..., 180 = 9 samples; [100, 190] holds 10
    assertThat(integrator.energy(s, T0 + 100 * MS, T0 + 180 * MS, 0, 0, wide).method()).isEqualTo(EnergyResult.Method.WINDOW_AVERAGE);
    EnergyResult ten = integrator.energy(s, T0 + 100 * MS, T0 + 190 * MS, 0, 0, wide);
    assertThat(ten.method()).isEqualTo(EnergyResult.Method.INTEGRATED);
    assertThat(ten.samplesInWindow()).isEqualTo(10);
    assertThat(ten.energyJ()).isCloseTo(0.09, within(1e-12));
  }

  @Test
  void tooSlowWithoutAveragingWindowIsUnavailableNotAGuess() {
    List<PowerSample> s = sampled(100 * MS, 3000 * MS, t -> 4.0);
    EnergyResult r = integrator.energy(s, T0 + 1010 * MS, T0 + 1060 * MS, 0, 0, null);
    assertThat(r.method()).isEqualTo(EnergyResult.Method.UNAVAILABLE);
    assertThat(r.energyJ()).isNaN();
    assertThat(r.note()).contains("no averaging window");
  }

  @Test
  void windowPastTheLastSampleHoldsItAndCountsTheGapInTheUncertainty() {
    List<PowerSample> s = sampled(MS, 100 * MS, t -> 2.0);
    EnergyResult r = integrator.energy(s, T0 + 50 * MS, T0 + 110 * MS, 0, 0, null);
    assertThat(r.energyJ()).isCloseTo(0.12, within(1e-12));
    assertThat(r.uncertaintyJ()).isCloseTo(2.0 * 0.010, within(1e-12));
    assertThat(r.note()).contains("do not cover 10.000 ms");
  }

  @Test
  void unorderedSamplesAreRefused() {
    List<PowerSample> s = List.of(new PowerSample(T0 + 2, 1, null, null), new PowerSample(T0 + 1, 1, null, null));
    assertThatThrownBy(() -> integrator.energy(s, T0, T0 + 3, 0, 0, null)).hasMessageContaining("increasing");
  }
}
