package io.testbed.cloud.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.testing.MqttProbe;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.rec.RecFixtures;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A cloud agent with recommendation serving registers on a real Mosquitto, lists its rec models in its hello and serves /v1/rec at its endpoint. */
@ExtendWith(RealServers.class)
class RecServingIT {
  @Test
  void theCloudAgentAnnouncesAndServesItsRecommendationModels(Mosquitto broker) throws Exception {
    AgentSettings agent = AgentSettings.load(Map.of("testbed.agent.id", "rec-1", "testbed.agent.profile", "cloud",
        "testbed.agent.models", List.of("mlp"), "testbed.agent.mqtt.broker", broker.url(), "testbed.agent.cpu-cap.enabled", false));
    CloudSettings cloud = CloudSettings.fromConfig(com.typesafe.config.ConfigFactory.load());
    try (MqttProbe probe = new MqttProbe(broker.url(), Topics.ALL_HELLO);
        RunningCloudAgent rec = CloudAgent.start(agent, cloud, RecFixtures.settings("dlrm-rmc1", "ncf"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !probe.messages(Topics.hello("rec-1"), Hello.class).isEmpty());
      Hello hello = probe.messages(Topics.hello("rec-1"), Hello.class).get(0);
      assertThat(hello.endpoint()).isEqualTo(rec.endpoint());
      assertThat(hello.models()).extracting(ModelInfo::name).containsExactly("mlp", "dlrm-rmc1", "ncf");
      assertThat(hello.models()).filteredOn(m -> m.family().equals("recommendation")).extracting(ModelInfo::name).containsExactly("dlrm-rmc1", "ncf");

      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hello.endpoint() + "/v1/rec/query"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"dlrm-rmc1\",\"items\":100,\"seed\":3}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode j = WireCodec.mapper().readTree(r.body());
      assertThat(j.path("subRequests").asInt()).isEqualTo(2); // B = 64 from reference.conf
      assertThat(rec.rec().orElseThrow().stats().served()).isEqualTo(1);
    }
  }
}
