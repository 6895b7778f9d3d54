package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class MqttConnectionTest {
  static final Config CONFIG = ConfigFactory.parseString("""
          pekko.actor.serialize-messages = on
          testbed.orchestrator.mqtt.connect-retry = 100ms
          """).withFallback(ConfigFactory.load());
  static final ActorTestKit testKit = ActorTestKit.create("mqtt-connection-test", CONFIG);
  static final OrchestratorSettings SETTINGS = OrchestratorSettings.fromConfig(CONFIG);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  record Started(FakeMqttPort port, TestProbe<DeviceRegistry.Command> registry, ActorRef<MqttConnection.Command> connection) {}

  Started start(int failConnects) {
    FakeMqttPort port = new FakeMqttPort();
    port.failConnects = failConnects;
    TestProbe<DeviceRegistry.Command> registry = testKit.createTestProbe(DeviceRegistry.Command.class);
    ActorRef<MqttConnection.Command> c = testKit.spawn(MqttConnection.create(port, SETTINGS.mqtt(), registry.ref()));
    return new Started(port, registry, c);
  }

  boolean connected(ActorRef<MqttConnection.Command> c) {
    TestProbe<MqttConnection.ConnectionStatus> probe = testKit.createTestProbe(MqttConnection.ConnectionStatus.class);
    c.tell(new MqttConnection.GetStatus(probe.ref()));
    return probe.receiveMessage().connected();
  }

  @Test
  void aFailedPublishWarnsUnlessTheConnectionIsClosing() {
    Started s = start(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> connected(s.connection()));
    s.port().failPublishes = true;
    TestProbe<MqttConnection.PublishResult> result = testKit.createTestProbe(MqttConnection.PublishResult.class);
    LoggingTestKit.warn("Publish to " + Topics.commands("phone-1") + " failed").expect(testKit.system(), () -> {
      s.connection().tell(new MqttConnection.Publish(Topics.commands("phone-1"), State.online("phone-1", 1), 1, false, result.ref()));
      return result.receiveMessage(Duration.ofSeconds(5));
    });
    // shutting down (the port was told to disconnect, e.g. by CoordinatedShutdown): the same failure is no warning
    s.port().closed = true;
    LoggingTestKit.warn("Publish to").withOccurrences(0).expect(testKit.system(), () -> {
      s.connection().tell(new MqttConnection.Publish(Topics.commands("phone-1"), State.online("phone-1", 2), 1, false, result.ref()));
      MqttConnection.PublishResult r = result.receiveMessage(Duration.ofSeconds(5));
      assertThat(r.failure()).contains("not connected"); // the caller still learns it failed
      return r;
    });
  }

  @Test
  void retriesConnectSubscribesAndSendsStashedPublishes() {
    Started s = start(2);
    TestProbe<MqttConnection.PublishResult> result = testKit.createTestProbe(MqttConnection.PublishResult.class);
    s.connection().tell(new MqttConnection.Publish(Topics.commands("phone-1"), State.online("phone-1", 1), 1, false,
        result.ref()));
    MqttConnection.PublishResult r = result.receiveMessage(Duration.ofSeconds(5));
    assertThat(r.failure()).isNull();
    assertThat(s.port().connectAttempts.get()).isEqualTo(3);
    assertThat(s.port().subscriptions).containsExactly(List.of(Topics.ALL_HELLO, Topics.ALL_STATE, Topics.ALL_TELEMETRY,
        Topics.ALL_REPLIES, Topics.ALL_METER_POWER, Topics.ALL_METER_REPLIES));
    assertThat(s.port().published).hasSize(1);
    assertThat(s.port().published.get(0).topic()).isEqualTo(Topics.commands("phone-1"));
    assertThat(new String(s.port().published.get(0).payload(), StandardCharsets.UTF_8)).contains("\"type\":\"state\"");
    assertThat(connected(s.connection())).isTrue();
  }

  @Test
  void routesDecodedMessagesAndCountsGarbagePerDevice() {
    Started s = start(0);
    await().until(() -> !s.port().subscriptions.isEmpty());
    s.port().deliver(Topics.heartbeat("phone-1"), WireCodec.encode(Fixtures.heartbeat("phone-1", 1)));
    DeviceRegistry.Deliver d = s.registry().expectMessageClass(DeviceRegistry.Deliver.class);
    assertThat(d.deviceId()).isEqualTo("phone-1");
    assertThat(d.message()).isInstanceOf(DeviceTwin.HeartbeatReceived.class);

    s.port().deliver(Topics.heartbeat("phone-1"), "garbage \u0000\u0001".getBytes(StandardCharsets.ISO_8859_1));
    assertMalformed(s, "phone-1", "not-json");
    s.port().deliver(Topics.heartbeat("phone-1"), new byte[0]);
    assertMalformed(s, "phone-1", "empty");
    s.port().deliver(Topics.heartbeat("phone-1"),
        WireCodec.encodeToString(Fixtures.heartbeat("phone-1", 1)).replace("0.25", "7.5").getBytes(StandardCharsets.UTF_8));
    assertMalformed(s, "phone-1", "invalid-fields");
    s.port().deliver(Topics.heartbeat("phone-1"), WireCodec.encode(Fixtures.heartbeat("phone-2", 1)));
    assertMalformed(s, "phone-1", "wrong-device");
    s.port().deliver(Topics.state("phone-1"), WireCodec.encode(Fixtures.heartbeat("phone-1", 1)));
    assertMalformed(s, "phone-1", "unexpected-type");
    s.port().deliver(Topics.hello("phone-1"), "{\"type\":\"nonsense\"}".getBytes(StandardCharsets.UTF_8));
    assertMalformed(s, "phone-1", "bad-json");

    // meter power goes to the device the meter is bound to
    PowerSampleBatch batch = new PowerSampleBatch(SchemaVersion.CURRENT, "phone-1", 1, "meter-7", PowerSource.METERED, 10,
        List.of(new PowerSample(1, 2.0, null, null)));
    s.port().deliver(Topics.meterPower("meter-7"), WireCodec.encode(batch));
    DeviceRegistry.Deliver p = s.registry().expectMessageClass(DeviceRegistry.Deliver.class);
    assertThat(p.deviceId()).isEqualTo("phone-1");
    assertThat(p.message()).isEqualTo(new DeviceTwin.PowerReceived(batch));
    // ... and to the power keeper (meter ring); clock echoes of devices and meters go to the keeper too
    assertThat(s.registry().expectMessageClass(DeviceRegistry.ToPower.class).message()).isEqualTo(new PowerKeeper.MeterBatch(batch));
    io.testbed.protocol.ClockEcho echo = io.testbed.protocol.ClockEcho.of(new io.testbed.protocol.ClockProbe(1, "phone-1", 10, "clk-1"), 20, 21);
    s.port().deliver(Topics.replies("phone-1"), WireCodec.encode(echo));
    PowerKeeper.EchoReceived fromDevice = (PowerKeeper.EchoReceived) s.registry().expectMessageClass(DeviceRegistry.ToPower.class).message();
    assertThat(List.of(fromDevice.kind(), fromDevice.sourceId(), fromDevice.echo())).containsExactly("device", "phone-1", echo);
    assertThat(fromDevice.arrivalNs()).isPositive();   // stamped as the client handed the message over
    io.testbed.protocol.ClockEcho meterEcho = io.testbed.protocol.ClockEcho.of(new io.testbed.protocol.ClockProbe(1, "meter-7", 10, "clk-2"), 20, 21);
    s.port().deliver(Topics.meterReplies("meter-7"), WireCodec.encode(meterEcho));
    PowerKeeper.EchoReceived fromMeter = (PowerKeeper.EchoReceived) s.registry().expectMessageClass(DeviceRegistry.ToPower.class).message();
    assertThat(List.of(fromMeter.kind(), fromMeter.sourceId(), fromMeter.echo())).containsExactly("meter", "meter-7", meterEcho);
    // the connection is still up and working
    assertThat(connected(s.connection())).isTrue();
  }

  @Test
  void stashesPublishesWhileTheConnectionIsLostAndResubscribesOnReconnect() {
    Started s = start(0);
    await().until(() -> !s.port().subscriptions.isEmpty());
    s.port().dropConnection();
    await().until(() -> !connected(s.connection()));
    TestProbe<MqttConnection.PublishResult> result = testKit.createTestProbe(MqttConnection.PublishResult.class);
    s.connection().tell(new MqttConnection.Publish(Topics.commands("phone-1"), State.online("phone-1", 1), 1, false,
        result.ref()));
    result.expectNoMessage(Duration.ofMillis(200));
    s.port().reconnect();
    assertThat(result.receiveMessage().failure()).isNull();
    assertThat(s.port().subscriptions).hasSize(2);
    assertThat(s.port().published).hasSize(1);
  }

  @Test
  void classifiesDecodeFailures() {
    assertThat(MqttConnection.classify("empty payload", new byte[0])).isEqualTo("empty");
    assertThat(MqttConnection.classify("invalid Hello: kind is required", "{}".getBytes())).isEqualTo("invalid-fields");
    assertThat(MqttConnection.classify("expected Hello but got State", "{}".getBytes())).isEqualTo("unexpected-type");
    assertThat(MqttConnection.classify("Unrecognized token", "  xyz".getBytes())).isEqualTo("not-json");
    assertThat(MqttConnection.classify("missing type id", " {\"a\":1}".getBytes())).isEqualTo("bad-json");
  }

  private static void assertMalformed(Started s, String deviceId, String reasonClass) {
    DeviceRegistry.Deliver d = s.registry().expectMessageClass(DeviceRegistry.Deliver.class);
    assertThat(d.deviceId()).isEqualTo(deviceId);
    assertThat(d.message()).isInstanceOf(DeviceTwin.MalformedReceived.class);
    DeviceTwin.MalformedReceived m = (DeviceTwin.MalformedReceived) d.message();
    assertThat(m.reasonClass()).as(m.reason()).isEqualTo(reasonClass);
    assertThat(m.reason()).isNotBlank();
  }
}
