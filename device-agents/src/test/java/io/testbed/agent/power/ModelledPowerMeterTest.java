package io.testbed.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import org.junit.jupiter.api.Test;

class ModelledPowerMeterTest {
  private static final long MS = 1_000_000L;

  @Test
  void tenSamplesPerSecondBatchedWithTheModelledLabel() {
    ActivityLog log = new ActivityLog();
    ModelledPowerMeter meter = new ModelledPowerMeter("phone-1", 10, 0.6, log, 0);
    log.begin(3.6, 250 * MS).end(300 * MS); // busy for half of the third window
    for (int i = 1; i <= 10; i++) meter.sample(i * 100 * MS, 1_000_000_000_000L + i * 100 * MS);
    PowerSampleBatch b = meter.drain(2_000_000_000_000L).orElseThrow();
    assertThat(b.meterId()).isEqualTo("phone-1-model");
    assertThat(b.deviceId()).isEqualTo("phone-1");
    assertThat(b.source()).isEqualTo(PowerSource.MODELLED);
    assertThat(b.sampleRateHz()).isEqualTo(10);
    assertThat(b.samples()).hasSize(10);
    assertThat(b.samples().get(0).powerW()).isCloseTo(0.6, within(1e-9));
    assertThat(b.samples().get(2).powerW()).isCloseTo(0.6 + 3.0 * 0.5, within(1e-9));
    assertThat(b.samples().get(3).powerW()).isCloseTo(0.6, within(1e-9));
    assertThat(b.samples().get(2).timestampNs()).isEqualTo(1_000_000_000_000L + 300 * MS);
    assertThat(meter.drain(2_000_000_000_001L)).as("drained").isEmpty();
  }
}
