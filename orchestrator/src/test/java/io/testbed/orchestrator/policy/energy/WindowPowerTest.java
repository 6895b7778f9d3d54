package io.testbed.orchestrator.policy.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.orchestrator.policy.clock.ClockSync;
import io.testbed.protocol.PowerSample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowPowerTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_764_489_600_000_000_000L;

  /** 1 kHz over [T0, T0 + 4 s]: 1.0 W for the first 2 s, 3.0 W after (a step). */
  private static List<PowerSample> step(long shiftNs) {
    List<PowerSample> out = new ArrayList<>();
    for (long t = 0; t <= 4000 * MS; t += MS) out.add(new PowerSample(T0 + shiftNs + t, t < 2000 * MS ? 1.0 : 3.0, null, null));
    return out;
  }

  @Test
  void meanOfAStepIsItsTimeWeightedAverage() {
    WindowPower w = WindowPower.of(step(0), null, T0 + 1000 * MS, T0 + 3000 * MS);
    // 1 s at 1 W, 1 s at 3 W, the ramp between the samples at 1999 and 2000 ms contributes (1+3)/2 over 1 ms
    assertThat(w.meanW()).isCloseTo(2.0, within(1e-3));
    assertThat(w.samplesInWindow()).isEqualTo(2001);
    assertThat(w.covered()).isTrue();
    assertThat(w.note()).isEmpty();
    assertThat(WindowPower.of(step(0), null, T0 + 2500 * MS, T0 + 3500 * MS).meanW()).isCloseTo(3.0, within(1e-12));
  }

  @Test
  void theSourcesClockMovesItsSamplesOntoTheOrchestratorsClock() {
    // the meter's clock runs 500 ms ahead: its samples stamped T0+500ms+t happened at T0+t
    ClockSync.Estimate ahead = new ClockSync.Estimate(T0, 500 * MS, 0, 20_000, 8, 40_000);
    WindowPower w = WindowPower.of(step(500 * MS), ahead, T0 + 2000 * MS + MS, T0 + 3000 * MS);
    assertThat(w.meanW()).isCloseTo(3.0, within(1e-12));
    WindowPower uncorrected = WindowPower.of(step(500 * MS), null, T0 + 2000 * MS + MS, T0 + 3000 * MS);
    assertThat(uncorrected.meanW()).isLessThan(2.2);
  }

  @Test
  void aWindowPastTheSamplesSaysSoAndNoSamplesGiveNoFigure() {
    WindowPower past = WindowPower.of(step(0), null, T0 + 3000 * MS, T0 + 5000 * MS);
    assertThat(past.covered()).isFalse();
    assertThat(past.meanW()).isCloseTo(3.0, within(1e-12)); // the last sample held
    assertThat(past.note()).contains("do not cover");
    WindowPower none = WindowPower.of(List.of(), null, T0, T0 + MS);
    assertThat(none.meanW()).isNull();
    assertThat(none.note()).isEqualTo("no samples");
    WindowPower outside = WindowPower.of(step(0), null, T0 + 10_000 * MS, T0 + 11_000 * MS);
    assertThat(outside.meanW()).isNull();
    assertThat(outside.note()).contains("no samples in the 1.000 s window");
    assertThatThrownBy(() -> WindowPower.of(step(0), null, T0, T0)).hasMessageContaining("end must be after start");
  }
}
