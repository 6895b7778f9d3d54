package io.testbed.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.network.RadioTechnology;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The radio energy model with the shipped parameters: RSSI, direction, promotion and marginal tail energy. */
class RadioEnergyModelTest {
  private static final Map<RadioTechnology, RadioEnergyModel.Params> PARAMS = AgentSettings.load(Map.of()).autoscale().radio();
  private static final long MS = 1_000_000L;

  private static RadioEnergyModel.Transfer transfer(RadioTechnology t, Double rssi, long startMs) {
    // 100 KB up in 80 ms, 4 KB down in 20 ms, 30 ms of peer compute
    return new RadioEnergyModel.Transfer(t, rssi, 80, 20, 100_000, 4_000, 30, startMs * MS, (startMs + 130) * MS);
  }

  @Test
  void transferPowerFollowsHuangEtAlAndRisesAsTheSignalWeakens() {
    RadioEnergyModel m = new RadioEnergyModel(PARAMS, 0.6);
    // LTE, good signal, 10 Mb/s up: 1288.04 + 438.39 x 10 mW
    assertThat(m.txW(RadioTechnology.LTE, -70.0, 10)).isCloseTo((1288.04 + 4383.9) / 1000, within(1e-9));
    assertThat(m.rxW(RadioTechnology.WIFI, -50.0, 10)).isCloseTo((132.86 + 1370.1) / 1000, within(1e-9));
    for (RadioTechnology t : RadioTechnology.values()) {
      double prevTx = 0;
      double prevRx = 0;
      for (double rssi = -40; rssi >= -120; rssi -= 5) {
        double tx = m.txW(t, rssi, 5);
        double rx = m.rxW(t, rssi, 5);
        assertThat(tx).as("%s tx at %s", t, rssi).isGreaterThanOrEqualTo(prevTx);
        assertThat(rx).as("%s rx at %s", t, rssi).isGreaterThanOrEqualTo(prevRx);
        prevTx = tx;
        prevRx = rx;
      }
      // transmit costs more than receive at the same rate, and weak signal raises transmit power the most
      assertThat(m.txW(t, -50.0, 5)).isGreaterThan(m.rxW(t, -50.0, 5));
      assertThat(m.txW(t, -120.0, 5) / m.txW(t, -40.0, 5)).isGreaterThan(m.rxW(t, -120.0, 5) / m.rxW(t, -40.0, 5));
    }
  }

  @Test
  void weakSignalCostsMoreEnergyForTheSameTransfer() {
    double strong = new RadioEnergyModel(PARAMS, 0.6).offload(transfer(RadioTechnology.WIFI, -50.0, 0)).totalJ();
    double weak = new RadioEnergyModel(PARAMS, 0.6).offload(transfer(RadioTechnology.WIFI, -88.0, 0)).totalJ();
    assertThat(weak).isGreaterThan(strong * 1.2);
  }

  @Test
  void anIsolatedLteOffloadPaysPromotionAndTheWholeTail() {
    RadioEnergyModel m = new RadioEnergyModel(PARAMS, 0.6);
    RadioEnergyModel.OffloadEnergy e = m.offload(transfer(RadioTechnology.LTE, -80.0, 0));
    assertThat(e.promotionJ()).isCloseTo(1.2107 * 0.2601, within(1e-9));
    assertThat(e.tailJ()).isCloseTo(1.06 * 11.576, within(1e-6));
    assertThat(e.waitJ()).isCloseTo(1.06 * 0.030, within(1e-9));
    assertThat(e.deviceIdleJ()).isCloseTo(0.6 * 0.130, within(1e-9));
    assertThat(e.totalJ()).isCloseTo(e.txJ() + e.rxJ() + e.waitJ() + e.promotionJ() + e.tailJ() + e.deviceIdleJ(), within(1e-12));
  }

  @Test
  void backToBackOffloadsShareOneTail() {
    RadioEnergyModel m = new RadioEnergyModel(PARAMS, 0.6);
    RadioEnergyModel.OffloadEnergy first = m.offload(transfer(RadioTechnology.LTE, -80.0, 0)); // ends at 130 ms
    RadioEnergyModel.OffloadEnergy second = m.offload(transfer(RadioTechnology.LTE, -80.0, 500)); // ends at 630 ms, inside the tail
    assertThat(second.promotionJ()).isZero();
    // it extends the tail by the 500 ms between the two ends
    assertThat(second.tailJ()).isCloseTo(1.06 * 0.5, within(1e-6));
    assertThat(first.tailJ() + second.tailJ()).isCloseTo(1.06 * (11.576 + 0.5), within(1e-6));
    // after the tail ran out the radio was idle again: a new promotion and a whole tail
    RadioEnergyModel.OffloadEnergy later = m.offload(transfer(RadioTechnology.LTE, -80.0, 60_000));
    assertThat(later.promotionJ()).isPositive();
    assertThat(later.tailJ()).isCloseTo(1.06 * 11.576, within(1e-6));
    // the technologies keep their own tails
    assertThat(m.offload(transfer(RadioTechnology.WIFI, -50.0, 60_100)).tailJ()).isCloseTo(0.12 * 0.240, within(1e-9));
  }
}
