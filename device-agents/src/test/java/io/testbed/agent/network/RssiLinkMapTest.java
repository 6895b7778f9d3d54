package io.testbed.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.agent.config.AgentSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The shipped RSSI maps (reference.conf) row by row, and the step-function rules. */
class RssiLinkMapTest {
  private static final RssiLinkMap MAP = AgentSettings.load(Map.of()).autoscale().rssiMap();

  @ParameterizedTest(name = "{0} at {1} dBm -> {2} Mb/s, RTT {3} ms, loss {4}%")
  @CsvSource({
      // Wi-Fi: 802.11n MCS sensitivity rows (IEEE 802.11-2012 Table 20-22) x 0.65 goodput
      "wifi, -40, 42.3, 4, 0",
      "wifi, -64, 42.3, 4, 0",
      "wifi, -64.5, 38.0, 4, 0",
      "wifi, -70, 25.4, 6, 0",
      "wifi, -80, 4.2, 20, 2",
      "wifi, -82, 4.2, 20, 2",
      "wifi, -90, 0.5, 80, 10",
      "wifi, -120, 0.5, 80, 10",
      // LTE: CQI efficiency (3GPP TS 36.213 Table 7.2.3-1) x 6.3 Msymbol/s
      "lte, -60, 35.0, 40, 0",
      "lte, -90, 15.2, 50, 0.1",
      "lte, -101, 2.4, 80, 1",
      "lte, -119, 0.96, 130, 3"
  })
  void shippedTables(String tech, double rssi, double rateMbps, double rttMs, double lossPct) {
    LinkConditions c = MAP.conditions(RadioTechnology.fromWire(tech), rssi);
    assertThat(c.rateMbps()).isCloseTo(rateMbps, within(1e-9));
    assertThat(c.rttMs()).isCloseTo(rttMs, within(1e-9));
    assertThat(c.delayMs()).isCloseTo(rttMs / 2, within(1e-9));
    assertThat(c.lossPct()).isCloseTo(lossPct, within(1e-9));
    assertThat(c.rssiDbm()).isEqualTo(rssi);
    assertThat(c.technology().wireName()).isEqualTo(tech);
  }

  @Test
  void weakerSignalNeverImprovesTheLink() {
    for (RadioTechnology t : RadioTechnology.values()) {
      LinkConditions prev = MAP.conditions(t, 0);
      for (double rssi = -1; rssi >= -120; rssi -= 0.5) {
        LinkConditions c = MAP.conditions(t, rssi);
        assertThat(c.rateMbps()).as("%s rate at %s", t, rssi).isLessThanOrEqualTo(prev.rateMbps());
        assertThat(c.rttMs()).as("%s rtt at %s", t, rssi).isGreaterThanOrEqualTo(prev.rttMs());
        assertThat(c.lossPct()).as("%s loss at %s", t, rssi).isGreaterThanOrEqualTo(prev.lossPct());
        prev = c;
      }
    }
  }

  @Test
  void regularVersusWeakAtMinus80dBmDiffersClearly() {
    LinkConditions regular = MAP.conditions(RadioTechnology.WIFI, -60);
    LinkConditions weak = MAP.conditions(RadioTechnology.WIFI, -85);
    assertThat(regular.rateMbps() / weak.rateMbps()).isGreaterThan(5);
    assertThat(weak.rttMs()).isGreaterThan(regular.rttMs());
  }

  @Test
  void rowsAreValidatedAndSorted() {
    RssiLinkMap m = new RssiLinkMap(Map.of(
        RadioTechnology.WIFI, List.of(new RssiLinkMap.Row(-80, 1, 10, 0, 1), new RssiLinkMap.Row(-50, 10, 2, 0, 0)),
        RadioTechnology.LTE, List.of(new RssiLinkMap.Row(-90, 5, 40, 0, 0))));
    assertThat(m.rows(RadioTechnology.WIFI)).extracting(RssiLinkMap.Row::rssiDbm).containsExactly(-50.0, -80.0);
    assertThat(m.conditions(RadioTechnology.WIFI, -60).rateMbps()).isEqualTo(1);
    assertThat(m.conditions(RadioTechnology.WIFI, -50).rateMbps()).isEqualTo(10);
    assertThatThrownBy(() -> new RssiLinkMap(Map.of(RadioTechnology.WIFI, List.of(new RssiLinkMap.Row(-80, 1, 10, 0, 1)))))
        .hasMessageContaining("rssi-map.lte");
    assertThatThrownBy(() -> new RssiLinkMap.Row(-80, 0, 10, 0, 1)).hasMessageContaining("rate-mbps");
  }
}
