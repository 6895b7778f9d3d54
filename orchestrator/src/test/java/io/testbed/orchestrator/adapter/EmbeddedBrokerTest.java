package io.testbed.orchestrator.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.orchestrator.adapter.broker.EmbeddedBroker;
import io.testbed.orchestrator.config.OrchestratorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class EmbeddedBrokerTest {

  @Test
  void picksAFreeLoopbackPortAndCarriesLargeMessages() throws Exception {
    boolean dataDirBefore = Files.exists(Path.of("data"));
    try (EmbeddedBroker broker = EmbeddedBroker.start(
        new OrchestratorSettings.EmbeddedBroker(true, "127.0.0.1", 0, 1_048_576, Optional.empty()))) {
      assertThat(broker.port()).isPositive();
      assertThat(broker.url()).isEqualTo("tcp://127.0.0.1:" + broker.port());
      MqttClient subscriber = new MqttClient(broker.url(), "sub", new MemoryPersistence());
      MqttClient publisher = new MqttClient(broker.url(), "pub", new MemoryPersistence());
      subscriber.setTimeToWait(10_000);
      publisher.setTimeToWait(10_000);
      subscriber.connect(new MqttConnectOptions());
      publisher.connect(new MqttConnectOptions());
      byte[] big = new byte[200_000]; // far above Moquette's 8092-byte default
      java.util.concurrent.CompletableFuture<byte[]> got = new java.util.concurrent.CompletableFuture<>();
      subscriber.subscribe("t/big", 1, (topic, msg) -> got.complete(msg.getPayload()));
      publisher.publish("t/big", big, 1, false);
      assertThat(got.get(10, java.util.concurrent.TimeUnit.SECONDS)).hasSize(200_000);
      publisher.disconnect();
      subscriber.disconnect();
      publisher.close();
      subscriber.close();
    }
    assertThat(Files.exists(Path.of("data"))).as("Moquette must not write ./data").isEqualTo(dataDirBefore);
  }

  @Test
  void aPasswordFileRefusesAnonymousClients(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String sha256 = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest("pw".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Path passwords = Files.writeString(dir.resolve("passwords"), "orch:" + sha256 + "\n");
    try (EmbeddedBroker broker = EmbeddedBroker.start(
        new OrchestratorSettings.EmbeddedBroker(true, "127.0.0.1", 0, 1_048_576, Optional.of(passwords)))) {
      MqttClient anonymous = new MqttClient(broker.url(), "anon", new MemoryPersistence());
      assertThatThrownBy(() -> anonymous.connect(new MqttConnectOptions()))
          .isInstanceOf(org.eclipse.paho.client.mqttv3.MqttSecurityException.class);
      anonymous.close();
      MqttClient user = new MqttClient(broker.url(), "user", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setUserName("orch");
      o.setPassword("pw".toCharArray());
      user.connect(o);
      assertThat(user.isConnected()).isTrue();
      user.disconnect();
      user.close();
    }
  }

  @Test
  void aTakenPortIsAClearError() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> EmbeddedBroker.start(
          new OrchestratorSettings.EmbeddedBroker(true, "127.0.0.1", taken.getLocalPort(), 1_048_576, Optional.empty())))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("could not listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }
}
