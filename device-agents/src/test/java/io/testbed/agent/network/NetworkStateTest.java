package io.testbed.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.agent.config.AgentSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a SetNetwork means for the links: RSSI mapping, explicit overrides, the "*" link, limits and the cloud link's RSSI. */
class NetworkStateTest {
  private final AgentSettings settings = AgentSettings.load(Map.of());
  private final NetworkState state = new NetworkState(settings.autoscale().rssiMap(), settings.autoscale().limits(),
      settings.autoscale().defaultLink(), List.of("cloud*"));

  private static NetworkState.Change rssi(String link, String tech, double dbm) {
    return new NetworkState.Change(link, tech == null ? null : RadioTechnology.fromWire(tech), dbm, null, null, null, null);
  }

  @Test
  void newLinksStartFromTheDefaultLink() {
    LinkConditions d = state.link("edge-1");
    assertThat(d).isEqualTo(settings.autoscale().defaultLink());
    assertThat(d.technology()).isEqualTo(RadioTechnology.WIFI);
    assertThat(d.rssiDbm()).isEqualTo(-55.0);
    assertThat(state.linkRssiDbm()).containsEntry("edge-1", -55.0);
  }

  @Test
  void anRssiMapsToTheTablesRowAndExplicitValuesOverrideIt() {
    NetworkState.Applied a = state.apply(rssi("cloud-1", "lte", -100));
    assertThat(a.applied()).isTrue();
    LinkConditions c = a.links().get("cloud-1");
    assertThat(c.rateMbps()).isEqualTo(5.5);
    assertThat(c.delayMs()).isEqualTo(32.5);
    assertThat(c.technology()).isEqualTo(RadioTechnology.LTE);

    NetworkState.Applied b = state.apply(new NetworkState.Change("cloud-1", null, -100.0, 10.0, null, 2.0, null));
    LinkConditions o = b.links().get("cloud-1");
    assertThat(o.delayMs()).isEqualTo(10.0);
    assertThat(o.rateMbps()).isEqualTo(2.0);
    assertThat(o.lossPct()).isEqualTo(0.5); // from the map
    assertThat(o.rssiDbm()).isEqualTo(-100.0);

    // switching technology remaps the link's current RSSI
    LinkConditions w = state.apply(new NetworkState.Change("cloud-1", RadioTechnology.WIFI, null, null, null, null, null)).links().get("cloud-1");
    assertThat(w.technology()).isEqualTo(RadioTechnology.WIFI);
    assertThat(w.rateMbps()).isEqualTo(0.5);
  }

  @Test
  void starChangesTheDefaultAndEveryKnownLink() {
    state.link("edge-1");
    state.apply(rssi("cloud-1", null, -60));
    NetworkState.Applied a = state.apply(rssi("*", null, -85));
    assertThat(a.links()).containsOnlyKeys("*", "edge-1", "cloud-1");
    assertThat(state.link("new-peer").rssiDbm()).isEqualTo(-85.0);
    assertThat(state.linkRssiDbm()).containsEntry("edge-1", -85.0).containsEntry("cloud-1", -85.0);
  }

  @Test
  void valuesOutOfRangeAreRefusedWithTheAllowedRangeAndChangeNothing() {
    LinkConditions before = state.link("edge-1");
    NetworkState.Applied a = state.apply(new NetworkState.Change("edge-1", null, null, 20_000.0, null, null, null));
    assertThat(a.applied()).isFalse();
    assertThat(a.error()).isEqualTo("delayMs 20000 is out of range: allowed [0, 10000] ms");
    assertThat(state.apply(new NetworkState.Change("edge-1", null, null, null, null, 5000.0, null)).error())
        .isEqualTo("rateMbps 5000 is out of range: allowed [0.01, 1000] Mbps");
    assertThat(state.apply(new NetworkState.Change("edge-1", null, null, null, null, null, 75.0)).error())
        .isEqualTo("lossPct 75 is out of range: allowed [0, 50] %");
    assertThat(state.apply(new NetworkState.Change("edge-1", null, null, null, 6000.0, null, null)).error()).contains("jitterMs", "[0, 5000]");
    assertThat(state.link("edge-1")).isEqualTo(before);
  }

  @Test
  void theHeartbeatsRssiIsTheCloudLinksElseTheDefault() {
    assertThat(state.cloudRssiDbm()).isEqualTo(-55.0);
    state.apply(rssi("edge-1", null, -90));
    assertThat(state.cloudRssiDbm()).isEqualTo(-55.0);
    state.apply(rssi("cloud-7", "lte", -101));
    assertThat(state.cloudRssiDbm()).isEqualTo(-101.0);
    assertThat(NetworkState.glob("cloud*", "cloud-7")).isTrue();
    assertThat(NetworkState.glob("cloud*", "edge-1")).isFalse();
    assertThat(NetworkState.glob("a.b", "axb")).isFalse();
  }
}
