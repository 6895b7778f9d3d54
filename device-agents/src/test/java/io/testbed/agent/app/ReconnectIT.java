package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.testing.MosquittoProcess;
import io.testbed.agent.testing.MqttProbe;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The broker goes away and comes back: the agent reconnects on its own, announces itself again and takes commands. */
class ReconnectIT {
  @Test
  void agentReconnectsAndReannouncesAfterABrokerRestart() throws Exception {
    Path dir = Files.createTempDirectory("reconnect-");
    try (MosquittoProcess broker = new MosquittoProcess(dir, FreePorts.find(), List.of("allow_anonymous true")).start()) {
      String url = "tcp://127.0.0.1:" + broker.port();
      AgentSettings s = AgentSettings.load(Map.of("testbed.agent.id", "flaky-phone", "testbed.agent.models", List.of("mlp"),
          "testbed.agent.cpu-cap.enabled", false, "testbed.agent.mqtt.broker", url));
      try (RunningAgent agent = DeviceAgent.start(s)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.connections() == 1);
        broker.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !agent.connected());
        broker.start(); // no persistence: retained hello and state are gone until the agent republishes them
        await().atMost(Duration.ofSeconds(60)).until(() -> agent.connections() == 2);
        try (MqttProbe probe = new MqttProbe(url, Topics.hello("flaky-phone"), Topics.state("flaky-phone"), Topics.replies("flaky-phone"))) {
          await().atMost(Duration.ofSeconds(10)).until(() -> !probe.messages(Topics.hello("flaky-phone"), Hello.class).isEmpty()
              && !probe.messages(Topics.state("flaky-phone"), State.class).isEmpty());
          assertThat(probe.messages(Topics.state("flaky-phone"), State.class).get(0).status()).isEqualTo(DeviceStatus.ONLINE);
          probe.publish(Topics.commands("flaky-phone"), WireCodec.encode(new InferenceCommand(SchemaVersion.CURRENT, "flaky-phone", 1,
              "after-restart", "mlp", "cpu", Precision.FP32, 1, 1, null, null, null, 10_000)));
          await().atMost(Duration.ofSeconds(20)).until(() -> !probe.messages(Topics.replies("flaky-phone"), InferenceResult.class).isEmpty());
          assertThat(probe.messages(Topics.replies("flaky-phone"), InferenceResult.class).get(0).outcome()).isEqualTo(Outcome.OK);
        }
      }
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
      }
    }
  }
}
