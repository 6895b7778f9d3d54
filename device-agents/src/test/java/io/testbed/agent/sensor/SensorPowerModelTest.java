package io.testbed.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SensorPowerModelTest {
  static final SensorPowerModel P = SensorPowerModel.stagioni();

  @ParameterizedTest(name = "{0}: node {1} W, heating at 30 fps {2} W")
  @CsvSource({"NSP, 2.0, 2.0", "CAP, 0.305, 0.305", "FAR, 0.305, 1.2033"})
  void powerPerMode(SensorMode mode, double nodeW, double heatingW) {
    assertThat(P.nodeW(mode)).isCloseTo(nodeW, within(1e-9));
    assertThat(P.heatingW(mode, 30)).isCloseTo(heatingW, within(1e-3));
  }

  @Test
  void transferFollowsBytesAndLinkRate() {
    // 921,600 B x 8 / 300 Mbit/s = 24.576 ms per frame; at 30 fps duty 0.73728
    assertThat(P.transmitSPerFrame()).isCloseTo(0.024576, within(1e-9));
    assertThat(P.transferW(30)).isCloseTo(0.73728 * 1.2 + (1 - 0.73728) * 0.05, within(1e-9));
    assertThat(P.farProcessingW(30)).isCloseTo(1.5, within(1e-9));
    assertThatThrownBy(() -> P.radioDuty(60)).hasMessageContaining("cannot carry");
  }

  @ParameterizedTest
  @CsvSource({"nsp, NSP", "cap, CAP", "far, FAR"})
  void wireNamesMatchSetMode(String wire, SensorMode mode) {
    assertThat(SensorMode.fromWire(wire)).isEqualTo(mode);
    assertThat(mode.wireName()).isEqualTo(wire);
  }

  @Test
  void rejectsBadFigures() {
    assertThatThrownBy(() -> new SensorPowerModel(-1, 1, 0, 1, 0, 1, 1, 0)).hasMessageContaining("sensorW");
    assertThatThrownBy(() -> new SensorPowerModel(1, 1, 0, 1, 0, 0, 1, 0)).hasMessageContaining("bytesPerFrame");
    assertThatThrownBy(() -> SensorMode.fromWire("near")).hasMessageContaining("allowed");
  }
}
