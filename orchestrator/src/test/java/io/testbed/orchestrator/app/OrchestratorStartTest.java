package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrchestratorStartTest {

  @Test
  void aTakenRestPortFailsClearlyAndStopsTheBrokerItStarted(@TempDir Path dataDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int brokerPort = probe.getLocalPort();
      probe.close();
      assertThatThrownBy(() -> Orchestrator.start(ConfigFactory.parseMap(Map.of(
              "testbed.orchestrator.http.port", taken.getLocalPort(),
              "testbed.orchestrator.embedded-broker.port", brokerPort,
              "testbed.orchestrator.data-dir", dataDir.toString()))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("REST API cannot listen on 127.0.0.1:" + taken.getLocalPort());
      MqttClient client = new MqttClient("tcp://127.0.0.1:" + brokerPort, "probe", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setConnectionTimeout(2);
      assertThatThrownBy(() -> client.connect(o)).as("embedded broker stopped").isInstanceOf(MqttException.class);
      client.close();
    }
  }

  @Test
  void stopsCleanlyAndReportsWhatItUses(@TempDir Path dataDir) throws Exception {
    RunningOrchestrator o = Orchestrator.start(ConfigFactory.parseMap(Map.of(
        "testbed.orchestrator.http.port", 0,
        "testbed.orchestrator.embedded-broker.port", 0,
        "testbed.orchestrator.data-dir", dataDir.toString())));
    assertThat(o.restUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(o.brokerEmbedded()).isTrue();
    assertThat(o.timeseries().kind()).isEqualTo("line-protocol-files");
    assertThat(o.timeseriesDescription()).startsWith("line-protocol-files at " + dataDir.toAbsolutePath());
    o.stop().toCompletableFuture().get();
    assertThat(o.system().whenTerminated().isCompleted()).isTrue();
  }
}
