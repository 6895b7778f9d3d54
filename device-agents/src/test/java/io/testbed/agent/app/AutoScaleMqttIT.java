package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.testing.MoquetteBroker;
import io.testbed.agent.testing.MqttProbe;
import io.testbed.agent.testing.TestInferenceServer;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SetInterference;
import io.testbed.protocol.SetNetwork;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * AutoScale's device side on real brokers, a separate Paho client playing the orchestrator: SetInterference and
 * SetNetwork produce ControlAcks and heartbeats with co-runner load and per-link RSSI; an offload over real HTTP
 * through the relay shaper takes measurably longer at weak RSSI than at strong RSSI.
 */
@ExtendWith(RealServers.class)
class AutoScaleMqttIT {
  private static MoquetteBroker moquette;
  private static InferenceEngine peerEngine;

  @BeforeAll
  static void setUp() {
    moquette = MoquetteBroker.start();
    peerEngine = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single());
  }

  @AfterAll
  static void tearDown() {
    moquette.close();
    peerEngine.close();
  }

  static AgentSettings settings(String id, String broker) {
    return AgentSettings.load(Map.of(
        "testbed.agent.id", id,
        "testbed.agent.profile", "phone",
        "testbed.agent.models", List.of("mlp"),
        "testbed.agent.mqtt.broker", broker,
        "testbed.agent.heartbeat-interval", "200ms",
        "testbed.agent.interference.memory-buffer-mb", 16,
        // the agent shares the test JVM: capping it would cap the test and the broker too
        "testbed.agent.cpu-cap.enabled", false));
  }

  @Test
  void controlsOnMoquette() throws Exception {
    controls("moq-auto", moquette.url());
  }

  @Test
  void controlsOnMosquitto(Mosquitto mosquitto) throws Exception {
    controls("mosq-auto", mosquitto.url());
  }

  private void controls(String id, String url) throws Exception {
    try (RunningAgent agent = DeviceAgent.start(settings(id, url));
        MqttProbe probe = new MqttProbe(url, Topics.hello(id), Topics.replies(id), Topics.heartbeat(id))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !probe.messages(Topics.hello(id), Hello.class).isEmpty());
      probe.publish(Topics.commands(id), WireCodec.encode(new SetInterference(SchemaVersion.CURRENT, id, 1, id + "-i1", 1.0, 0.5)));
      probe.publish(Topics.commands(id), WireCodec.encode(new SetNetwork(SchemaVersion.CURRENT, id, 1, id + "-n1", "cloud-1", "lte", -105.0,
          null, null, null, null)));
      probe.publish(Topics.commands(id), WireCodec.encode(new SetNetwork(SchemaVersion.CURRENT, id, 1, id + "-n2", "edge-1", null, null,
          20_000.0, null, null, null)));
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.replies(id), ControlAck.class).size() == 3);
      List<ControlAck> acks = probe.messages(Topics.replies(id), ControlAck.class);
      ControlAck interference = acks.stream().filter(a -> a.correlationId().equals(id + "-i1")).findFirst().orElseThrow();
      assertThat(interference.applied()).isTrue();
      assertThat(interference.settings()).containsEntry("cpuLevel", 1.0).containsEntry("memoryLevel", 0.5);
      ControlAck lte = acks.stream().filter(a -> a.correlationId().equals(id + "-n1")).findFirst().orElseThrow();
      assertThat(lte.settings()).containsEntry("technology", "lte").containsEntry("rateMbps", 2.4).containsEntry("delayMs", 40.0);
      ControlAck refused = acks.stream().filter(a -> a.correlationId().equals(id + "-n2")).findFirst().orElseThrow();
      assertThat(refused.applied()).isFalse();
      assertThat(refused.error()).contains("allowed [0, 10000]");

      await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.heartbeat(id), Heartbeat.class).stream().anyMatch(h ->
          h.coRunnerCpuUtilisation() != null && h.coRunnerCpuUtilisation() > 0.5 && h.memoryPressure() > 0.05
              && h.linkRssiDbm() != null && Double.valueOf(-105).equals(h.linkRssiDbm().get("cloud-1")) && Double.valueOf(-105).equals(h.rssiDbm())));
      assertThat(agent.connected()).isTrue();
    }
  }

  @Test
  void anOffloadThroughTheShaperIsSlowerAtWeakRssi(Mosquitto mosquitto) throws Exception {
    String id = "shaped-phone";
    String url = mosquitto.url();
    try (TestInferenceServer peer = new TestInferenceServer("cloud-7", peerEngine);
        RunningAgent agent = DeviceAgent.start(settings(id, url));
        MqttProbe probe = new MqttProbe(url, Topics.hello(id), Topics.replies(id))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> !probe.messages(Topics.hello(id), Hello.class).isEmpty());
      List<Double> strong = offloads(probe, id, peer, "strong", -50.0, 4);
      List<Double> weak = offloads(probe, id, peer, "weak", -90.0, 4);
      double s = strong.stream().mapToDouble(Double::doubleValue).sorted().toArray()[strong.size() / 2];
      double w = weak.stream().mapToDouble(Double::doubleValue).sorted().toArray()[weak.size() / 2];
      assertThat(w).as("median latency weak %s vs strong %s", weak, strong).isGreaterThan(s + 80);
      assertThat(peer.served()).isEqualTo(8);
    }
  }

  private static List<Double> offloads(MqttProbe probe, String id, TestInferenceServer peer, String tag, double rssi, int n) throws Exception {
    probe.publish(Topics.commands(id), WireCodec.encode(new SetNetwork(SchemaVersion.CURRENT, id, 1, tag, "cloud-7", "wifi", rssi, null, null, null, null)));
    await().atMost(Duration.ofSeconds(10)).until(() -> probe.messages(Topics.replies(id), ControlAck.class).stream().anyMatch(a -> a.correlationId().equals(tag)));
    List<Double> latencies = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String corr = tag + "-" + i;
      probe.publish(Topics.commands(id), WireCodec.encode(new InferenceCommand(SchemaVersion.CURRENT, id, 1, corr, "mlp", "offload", Precision.FP32, 2, i,
          null, "cloud-7", peer.url(), 20_000)));
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.replies(id), InferenceResult.class).stream().anyMatch(r -> r.correlationId().equals(corr)));
      InferenceResult r = probe.messages(Topics.replies(id), InferenceResult.class).stream().filter(x -> x.correlationId().equals(corr)).findFirst().orElseThrow();
      assertThat(r.outcome()).isEqualTo(Outcome.OK);
      assertThat(r.executedOn()).isEqualTo("cloud-7");
      assertThat(r.metrics()).containsEntry("rssiDbm", rssi);
      latencies.add(r.latencyMs());
    }
    return latencies;
  }
}
