package io.testbed.cloud.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.agent.port.MqttPort;
import io.testbed.cloud.rec.RecFixtures;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class RecHelloPortTest {
  /** Records what would go to the broker. */
  static final class Recording implements MqttPort {
    final List<String> topics = new ArrayList<>();
    final List<byte[]> payloads = new ArrayList<>();

    @Override public void start(String clientId, Will will, Listener listener) {}

    @Override public CompletionStage<Delivery> publish(String topic, byte[] payload, int qos, boolean retained) {
      topics.add(topic);
      payloads.add(payload);
      return CompletableFuture.completedFuture(Delivery.delivered());
    }

    @Override public CompletionStage<Delivery> subscribe(String topicFilter, int qos) { return CompletableFuture.completedFuture(Delivery.delivered()); }

    @Override public boolean isConnected() { return true; }

    @Override public void close() {}
  }

  @Test
  void theHelloListsTheRecommendationModelsAndOtherMessagesPassUnchanged() throws Exception {
    ModelInfo rmc1 = RecFixtures.model("dlrm-rmc1").info();
    Recording broker = new Recording();
    RecHelloPort port = new RecHelloPort(broker, "cloud-1", List.of(rmc1));
    Hello hello = new Hello(SchemaVersion.CURRENT, "cloud-1", 1, DeviceKind.CLOUD, "cloud", true, List.of(), List.of(), List.of(), Map.of(),
        "http://127.0.0.1:1", List.of());
    port.publish(Topics.hello("cloud-1"), WireCodec.encode(hello), 1, true);
    byte[] state = WireCodec.encode(State.offline("cloud-1", 5));
    port.publish(Topics.state("cloud-1"), state, 1, true);

    Hello sent = WireCodec.decode(broker.payloads.get(0), Hello.class);
    assertThat(sent.models()).extracting(ModelInfo::name).containsExactly("dlrm-rmc1");
    assertThat(sent.models().get(0).family()).isEqualTo("recommendation");
    assertThat(sent.endpoint()).isEqualTo("http://127.0.0.1:1");
    assertThat(broker.payloads.get(1)).isEqualTo(state);
    // listed once even if the hello had it already
    assertThat(RecHelloPort.withModels(sent, List.of(rmc1)).models()).hasSize(1);
  }
}
