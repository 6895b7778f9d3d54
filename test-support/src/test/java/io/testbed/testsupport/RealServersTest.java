package io.testbed.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension starts real processes that answer on their ports, and the same instance is shared within a class. */
@ExtendWith(RealServers.class)
class RealServersTest {
  static Mosquitto first;

  @Test
  void mosquittoAcceptsConnections(Mosquitto mosquitto) {
    assertThat(ServerProcess.tcpOpen(mosquitto.port())).isTrue();
    assertThat(mosquitto.url()).startsWith("tcp://127.0.0.1:");
    if (first != null) assertThat(mosquitto).isSameAs(first);
    first = mosquitto;
  }

  @Test
  void sameMosquittoWithinAClass(Mosquitto mosquitto) {
    if (first != null) assertThat(mosquitto).isSameAs(first);
    first = mosquitto;
  }

  @Test
  void influxdStoresAndReturnsPoints(Influxd influx) throws Exception {
    influx.execute("CREATE DATABASE t");
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(influx.url() + "/write?db=t&precision=ns"))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("m,device=a v=1.5 1000000000")).build();
    var resp = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(resp.statusCode()).isEqualTo(204);
    assertThat(influx.query("t", "SELECT v FROM m WHERE device='a'")).contains("1.5");
  }
}
