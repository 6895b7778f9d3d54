package io.testbed.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OrchestratorSettingsTest {

  static OrchestratorSettings parse(String hocon) {
    return OrchestratorSettings.fromConfig(ConfigFactory.parseString(hocon));
  }

  @Test
  void defaultsComeFromReferenceConf() {
    OrchestratorSettings s = parse("");
    assertThat(s.http()).isEqualTo(new OrchestratorSettings.Http("127.0.0.1", 8080));
    assertThat(s.apiToken()).isEmpty();
    assertThat(s.embeddedBroker().enabled()).isTrue();
    assertThat(s.embeddedBroker().host()).isEqualTo("127.0.0.1");
    assertThat(s.embeddedBroker().port()).isEqualTo(1883);
    assertThat(s.embeddedBroker().messageSizeBytes()).isEqualTo(1_048_576);
    assertThat(s.mqtt().url()).isEmpty();
    assertThat(s.mqtt().maxInflight()).isEqualTo(1000);
    assertThat(s.influx().url()).isEmpty();
    assertThat(s.influx().database()).isEqualTo("testbed");
    assertThat(s.dataDir()).isEqualTo(Path.of("./runs"));
    assertThat(s.device().offlineAfterMissedHeartbeats()).isEqualTo(3);
    assertThat(s.job().inferenceTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.job().maxCount()).isEqualTo(10_000);
    assertThat(s.embeddedBrokerUrl(1883)).isEqualTo("tcp://127.0.0.1:1883");
  }

  @Test
  void anExternalBrokerTurnsTheEmbeddedOneOff() {
    OrchestratorSettings s = parse("""
        testbed.orchestrator.mqtt { url = "ssl://broker.lab:8883", username = "orch", password = "pw" }
        testbed.orchestrator.api-token = "t0k"
        testbed.orchestrator.influx.url = "http://influx.lab:8086"
        """);
    assertThat(s.embeddedBroker().enabled()).isFalse();
    assertThat(s.mqtt().url()).isEqualTo("ssl://broker.lab:8883");
    assertThat(s.mqtt().username()).contains("orch");
    assertThat(s.mqtt().password()).contains("pw");
    assertThat(s.apiToken()).contains("t0k");
    assertThat(s.influx().url()).contains("http://influx.lab:8086");
  }

  @Test
  void badValuesAreReportedTogetherByKey() {
    assertThatThrownBy(() -> parse("""
        testbed.orchestrator.http.port = 70000
        testbed.orchestrator.embedded-broker.enabled = false
        testbed.orchestrator.influx.url = "influx.lab:8086"
        testbed.orchestrator.device.offline-after-missed-heartbeats = 0
        testbed.orchestrator.mqtt.tls-ca-file = "/nonexistent/ca.pem"
        """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http.port must be in 0..65535, was 70000")
        .hasMessageContaining("no broker to connect to")
        .hasMessageContaining("influx.url must look like http://host:port")
        .hasMessageContaining("device.offline-after-missed-heartbeats must be >= 1")
        .hasMessageContaining("mqtt.tls-ca-file '/nonexistent/ca.pem' is not a readable file");
  }

  @Test
  void wrongTypesNameTheKey() {
    assertThatThrownBy(() -> parse("testbed.orchestrator.http.port = eighty"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http.port");
  }
}
