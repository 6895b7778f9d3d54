package io.testbed.cloud.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.app.DeviceAgent;
import io.testbed.agent.app.RunningAgent;
import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.testing.MqttProbe;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.testsupport.FreePorts;
import io.testbed.testsupport.Mosquitto;
import io.testbed.testsupport.RealServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A phone agent offloads to a cloud agent over real HTTP; both registered on a real Mosquitto broker. */
@ExtendWith(RealServers.class)
class OffloadIT {
  private static AgentSettings agent(String id, String profile, String broker) {
    return AgentSettings.load(Map.of(
        "testbed.agent.id", id,
        "testbed.agent.profile", profile,
        "testbed.agent.models", List.of("mlp"),
        "testbed.agent.mqtt.broker", broker,
        "testbed.agent.cpu-cap.enabled", false));
  }

  @Test
  void phoneOffloadsToTheCloudAgent(Mosquitto broker) throws Exception {
    CloudSettings cloudSettings = CloudSettings.fromConfig(com.typesafe.config.ConfigFactory.load());
    try (MqttProbe probe = new MqttProbe(broker.url(), Topics.ALL_HELLO, Topics.ALL_REPLIES, Topics.ALL_TELEMETRY);
        RunningCloudAgent cloud = CloudAgent.start(agent("cloud-1", "cloud", broker.url()), cloudSettings);
        RunningAgent phone = DeviceAgent.start(agent("phone-1", "phone", broker.url()));
        InferenceEngine reference = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> probe.messages(Topics.hello("cloud-1"), Hello.class).size() >= 1
          && probe.messages(Topics.hello("phone-1"), Hello.class).size() >= 1);
      Hello cloudHello = probe.messages(Topics.hello("cloud-1"), Hello.class).get(0);
      assertThat(cloudHello.kind()).isEqualTo(DeviceKind.CLOUD);
      assertThat(cloudHello.endpoint()).isEqualTo(cloud.endpoint()).startsWith("http://127.0.0.1:");

      InferenceCommand offload = new InferenceCommand(SchemaVersion.CURRENT, "phone-1", 1, "off-1", "mlp", InferenceCommand.OFFLOAD,
          Precision.FP32, 4, 21, null, "cloud-1", cloudHello.endpoint(), 10_000);
      probe.publish(Topics.commands("phone-1"), WireCodec.encode(offload));
      await().atMost(Duration.ofSeconds(20)).until(() -> !probe.messages(Topics.replies("phone-1"), InferenceResult.class).isEmpty());
      InferenceResult r = probe.messages(Topics.replies("phone-1"), InferenceResult.class).get(0);
      assertThat(r.correlationId()).isEqualTo("off-1");
      assertThat(r.outcome()).isEqualTo(Outcome.OK);
      assertThat(r.deviceId()).isEqualTo("phone-1");
      assertThat(r.executedOn()).isEqualTo("cloud-1");
      assertThat(r.target()).isEqualTo("offload");
      assertThat(r.networkMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
      assertThat(r.computeMs()).isPositive();
      assertThat(r.latencyMs()).isGreaterThanOrEqualTo(r.computeMs() + r.networkMs() - 1e-6);
      assertThat(r.bytesSent()).isEqualTo(4L * 784 * 4);
      assertThat(r.bytesReceived()).isPositive();
      assertThat(r.energySource()).isEqualTo(PowerSource.MODELLED);
      assertThat(r.energyJ()).isPositive();
      assertThat(r.outputDigest()).isEqualTo(
          reference.run("mlp", Precision.FP32, InferenceEngine.syntheticInput(reference.zoo().model("mlp"), 4, 21), 4).digest());
      assertThat(cloud.service().served()).isEqualTo(1);

      // the cloud is an agent like any other: it runs commands sent to it and sends telemetry
      probe.publish(Topics.commands("cloud-1"), WireCodec.encode(new InferenceCommand(SchemaVersion.CURRENT, "cloud-1", 1, "cl-1", "mlp",
          "cpu", Precision.FP32, 1, 21, null, null, null, 10_000)));
      await().atMost(Duration.ofSeconds(20)).until(() -> !probe.messages(Topics.replies("cloud-1"), InferenceResult.class).isEmpty());
      InferenceResult own = probe.messages(Topics.replies("cloud-1"), InferenceResult.class).get(0);
      assertThat(own.outcome()).isEqualTo(Outcome.OK);
      assertThat(own.executedOn()).isEqualTo("cloud-1");
      await().atMost(Duration.ofSeconds(10)).until(() -> !probe.messages(Topics.heartbeat("cloud-1"), Heartbeat.class).isEmpty());

      // a dead peer is a failed result naming the problem, and the phone carries on
      String dead = "http://127.0.0.1:" + FreePorts.find();
      probe.publish(Topics.commands("phone-1"), WireCodec.encode(new InferenceCommand(SchemaVersion.CURRENT, "phone-1", 1, "off-2", "mlp",
          InferenceCommand.OFFLOAD, Precision.FP32, 1, 1, null, "cloud-2", dead, 5_000)));
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.messages(Topics.replies("phone-1"), InferenceResult.class).size() == 2);
      InferenceResult failed = probe.messages(Topics.replies("phone-1"), InferenceResult.class).get(1);
      assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(failed.error()).contains("cannot connect");
      assertThat(failed.executedOn()).isEqualTo("cloud-2");
    }
  }
}
