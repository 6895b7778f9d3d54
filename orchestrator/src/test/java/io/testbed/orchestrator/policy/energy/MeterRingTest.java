package io.testbed.orchestrator.policy.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.orchestrator.policy.clock.ClockSync;
import io.testbed.protocol.PowerSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeterRingTest {
  static PowerSample s(long t, double w) { return new PowerSample(t, w, null, null); }

  @Test
  void dropsAndCountsDuplicatedAndBackwardsTimestampsAndKeepsTheHorizon() {
    MeterRing ring = new MeterRing(1_000L);
    assertThat(ring.add(List.of(s(100, 1), s(200, 2), s(200, 9), s(150, 9), s(300, 3)))).isEqualTo(3);
    assertThat(ring.duplicatesDropped()).isEqualTo(1);
    assertThat(ring.nonMonotonicDropped()).isEqualTo(1);
    assertThat(ring.received()).isEqualTo(5);
    assertThat(ring.samples()).extracting(PowerSample::powerW).containsExactly(1.0, 2.0, 3.0);
    ring.add(List.of(s(1_250, 4)));    // 100 and 200 fall out of the 1000 ns horizon behind 1250
    assertThat(ring.samples()).extracting(PowerSample::timestampNs).containsExactly(300L, 1_250L);
    assertThat(ring.last().powerW()).isEqualTo(4.0);
  }

  @Test
  void measuresTheRateOverTheNewestSamples() {
    MeterRing ring = new MeterRing(60_000_000_000L);
    ring.add(List.of(s(1, 0)));
    for (int i = 0; i < 200; i++) ring.add(List.of(s(10_000_000_000L + i * 1_000_000L, 1)));
    assertThat(ring.measuredRateHz()).isCloseTo(1000.0, within(1e-6));
  }

  @Test
  void correctedSamplesStayIncreasingAndShiftByTheOffset() {
    ClockSync sync = new ClockSync(4, 4);
    // remote 1 ms ahead, symmetric 100 us path
    sync.add(new ClockSync.Exchange(1_000_000_000L, 1_001_100_000L, 1_001_100_000L, 1_000_200_000L));
    List<PowerSample> c = MeteredEnergy.correct(List.of(s(2_001_000_000L, 1), s(2_002_000_000L, 2)), sync.estimate().orElseThrow());
    assertThat(c).extracting(PowerSample::timestampNs).containsExactly(2_000_000_000L, 2_001_000_000L);
  }

  @Test
  void theAveragingWindowTakesEarlierInferencesWithinTheSpan() {
    List<MeteredEnergy.Window> recent = List.of(new MeteredEnergy.Window(100, 200), new MeteredEnergy.Window(200, 300),
        new MeteredEnergy.Window(0, 50));
    EnergyIntegrator.AveragingWindow w = MeteredEnergy.averagingWindow(300, 400, recent, 350);
    assertThat(w).isEqualTo(new EnergyIntegrator.AveragingWindow(100, 400, 3));
    assertThat(MeteredEnergy.averagingWindow(300, 400, List.of(), 350)).isNull();
  }
}
