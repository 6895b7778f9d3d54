package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.SensorSettings;
import io.testbed.agent.exec.SensorNode;
import io.testbed.agent.testing.MoquetteBroker;
import io.testbed.agent.testing.MqttProbe;
import io.testbed.agent.testing.TestInferenceServer;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SetMode;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A sensor-node agent on real brokers, a separate Paho client playing the thermal controller: frames one after the
 * other, SetMode nsp/cap/far acked with the applied mode, heartbeats whose modelled temperature rises in NSP and falls
 * in CAP and FAR, results with psnrDb, agreement and the end-of-frame temperature; FAR frames run on a real HTTP peer.
 */
@ExtendWith(RealServers.class)
class SensorNodeMqttIT {
  private static MoquetteBroker moquette;
  private static InferenceEngine peerEngine;

  @BeforeAll
  static void setUp() {
    moquette = MoquetteBroker.start();
    peerEngine = new InferenceEngine(ModelZoo.of(List.of("mobilenet")), ThreadSettings.single());
  }

  @AfterAll
  static void tearDown() {
    moquette.close();
    peerEngine.close();
  }

  @Test
  void sensorNodeOnMoquette() throws Exception {
    run("moq-sensor", moquette.url());
  }

  @Test
  void sensorNodeOnMosquitto(Mosquitto mosquitto) throws Exception {
    run("mosq-sensor", mosquitto.url());
  }

  private void run(String id, String url) throws Exception {
    AgentSettings s = AgentSettings.load(Map.of("testbed.agent.id", id, "testbed.agent.profile", "sensor-node",
        "testbed.agent.models", List.of("mobilenet"), "testbed.agent.mqtt.broker", url, "testbed.agent.heartbeat-interval", "100ms",
        "testbed.agent.cpu-cap.enabled", false));
    try (TestInferenceServer far = new TestInferenceServer("edge-far", peerEngine);
        MqttProbe probe = new MqttProbe(url, Topics.replies(id), Topics.heartbeat(id));
        RunningAgent agent = DeviceAgent.builder(s).sensor(SensorSettings.load(Map.of("frames.width", 640, "frames.height", 360))).start()) {
      await().atMost(Duration.ofSeconds(20)).until(agent::connected);
      int[] seq = {0};
      // the agent subscribes to its commands after connecting: repeat an idempotent SetMode nsp until one is acked
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
        probe.publish(Topics.commands(id), WireCodec.encode(new SetMode(SchemaVersion.CURRENT, id, 1, "hello-" + (++seq[0]), "nsp", null, null)));
        return !probe.messages(Topics.replies(id), ControlAck.class).isEmpty();
      });
      // NSP frames until the junction is clearly above ambient
      InferenceResult nsp = frames(probe, id, seq, 5);
      assertThat(nsp.metrics()).containsKeys("psnrDb", "agreement", "temperatureC").containsEntry("modeCode", 0.0);
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.heartbeat(id), Heartbeat.class).stream()
          .anyMatch(h -> "nsp".equals(h.mode()) && h.temperatureC() != null && h.temperatureC() > 45));
      double hottestNsp = probe.messages(Topics.heartbeat(id), Heartbeat.class).stream().filter(h -> "nsp".equals(h.mode()))
          .mapToDouble(Heartbeat::temperatureC).max().orElseThrow();
      assertThat(probe.messages(Topics.heartbeat(id), Heartbeat.class).get(0).temperatureSource()).isEqualTo(PowerSource.MODELLED);

      ControlAck cap = setMode(probe, id, seq, "cap", null, null);
      assertThat(cap.applied()).isTrue();
      assertThat(cap.settings()).containsEntry("mode", "cap");
      InferenceResult capFrame = frames(probe, id, seq, 2);
      assertThat(capFrame.metrics()).containsEntry("modeCode", 1.0).doesNotContainKey("agreement");
      assertThat(capFrame.metrics().get("temperatureC")).isLessThan(nsp.metrics().get("temperatureC"));
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.heartbeat(id), Heartbeat.class).stream()
          .anyMatch(h -> "cap".equals(h.mode()) && h.temperatureC() < hottestNsp - 8));

      ControlAck farAck = setMode(probe, id, seq, "far", "edge-far", far.url());
      assertThat(farAck.settings()).containsEntry("mode", "far").containsEntry("farDeviceId", "edge-far");
      InferenceResult farFrame = frames(probe, id, seq, 3);
      assertThat(farFrame.executedOn()).isEqualTo("edge-far");
      assertThat(farFrame.metrics()).containsKeys("psnrDb", "agreement").containsEntry("modeCode", 2.0);
      assertThat(far.served()).isEqualTo(3);
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.heartbeat(id), Heartbeat.class).stream()
          .anyMatch(h -> "far".equals(h.mode())));
      // FAR heats less than NSP (0.3 W + radio vs 2.0 W): its steady state is below NSP's
      assertThat(probe.messages(Topics.heartbeat(id), Heartbeat.class).stream().filter(h -> "far".equals(h.mode()))
          .mapToDouble(Heartbeat::temperatureC).max().orElseThrow()).isLessThan(hottestNsp);
    }
  }

  private static ControlAck setMode(MqttProbe probe, String id, int[] seq, String mode, String farId, String farUrl) throws Exception {
    String corr = "m-" + (++seq[0]);
    probe.publish(Topics.commands(id), WireCodec.encode(new SetMode(SchemaVersion.CURRENT, id, 1, corr, mode, farId, farUrl)));
    await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.replies(id), ControlAck.class).stream()
        .anyMatch(a -> a.correlationId().equals(corr)));
    return probe.messages(Topics.replies(id), ControlAck.class).stream().filter(a -> a.correlationId().equals(corr)).findFirst().orElseThrow();
  }

  /** Sends {@code n} frames one after the other (the next after the previous result); returns the last result. */
  private static InferenceResult frames(MqttProbe probe, String id, int[] seq, int n) throws Exception {
    InferenceResult last = null;
    for (int i = 0; i < n; i++) {
      String corr = "f-" + (++seq[0]);
      probe.publish(Topics.commands(id), WireCodec.encode(new InferenceCommand(SchemaVersion.CURRENT, id, 1, corr, "mobilenet",
          SensorNode.FRAME_TARGET, Precision.FP32, 1, seq[0], null, null, null, 30_000)));
      await().atMost(Duration.ofSeconds(30)).until(() -> probe.messages(Topics.replies(id), InferenceResult.class).stream()
          .anyMatch(r -> r.correlationId().equals(corr)));
      last = probe.messages(Topics.replies(id), InferenceResult.class).stream().filter(r -> r.correlationId().equals(corr)).findFirst()
          .orElseThrow();
      assertThat(last.outcome()).isEqualTo(Outcome.OK);
    }
    return last;
  }
}
