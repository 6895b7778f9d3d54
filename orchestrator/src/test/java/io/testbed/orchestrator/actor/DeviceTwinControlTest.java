package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.adapter.influx.RecentWindowSink;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SetInterference;
import io.testbed.protocol.SetNetwork;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The twin's control commands: SetInterference/SetNetwork published with a correlation id, answered exactly once by
 * the device's ControlAck (settings it applied, or its refusal), by a timeout, or at once when the device is offline
 * or has not said hello; late acks are dropped.
 */
class DeviceTwinControlTest {
  static final Config CONFIG = ManualTime.config()
      .withFallback(ConfigFactory.parseString("""
          pekko.actor.serialize-messages = on
          testbed.orchestrator.device.heartbeat-interval = 1s
          testbed.orchestrator.device.offline-after-missed-heartbeats = 3
          """))
      .withFallback(ConfigFactory.load());
  static final ActorTestKit testKit = ActorTestKit.create("twin-control-test", CONFIG);
  static final ManualTime manualTime = ManualTime.get(testKit.system());
  static final OrchestratorSettings SETTINGS = OrchestratorSettings.fromConfig(CONFIG);
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_780_000_000L), ZoneOffset.UTC);

  TestProbe<MqttConnection.Command> mqtt;
  TestProbe<DeviceTwin.ControlDone> done;
  ActorRef<DeviceTwin.Command> twin;
  int twins;

  @BeforeEach
  void startTwin() {
    mqtt = testKit.createTestProbe(MqttConnection.Command.class);
    done = testKit.createTestProbe(DeviceTwin.ControlDone.class);
    twin = testKit.spawn(DeviceTwin.create("phone-1", mqtt.ref(), RecentWindowSink.memoryOnly(100), CLOCK, SETTINGS),
        "twin-" + (++twins));
  }

  @AfterEach
  void stopTwin() {
    testKit.stop(twin);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  void online() {
    twin.tell(new DeviceTwin.HelloReceived(Fixtures.phoneHello("phone-1")));
    twin.tell(new DeviceTwin.StateReceived(State.online("phone-1", Fixtures.T0)));
  }

  MqttConnection.Publish published() {
    MqttConnection.Publish p = mqtt.expectMessageClass(MqttConnection.Publish.class);
    assertThat(p.topic()).isEqualTo(Topics.commands("phone-1"));
    assertThat(p.qos()).isEqualTo(1);
    p.replyTo().tell(new MqttConnection.PublishResult(p.topic(), null));
    return p;
  }

  @Test
  void interferenceIsSentAndTheAckCorrelated() {
    online();
    twin.tell(new DeviceTwin.RunControl(ControlRequest.interference(0.75, 0.25), 2000, done.ref()));
    SetInterference s = (SetInterference) published().message();
    assertThat(s.deviceId()).isEqualTo("phone-1");
    assertThat(s.cpuLevel()).isEqualTo(0.75);
    assertThat(s.memoryLevel()).isEqualTo(0.25);
    twin.tell(new DeviceTwin.AckReceived(new ControlAck(SchemaVersion.CURRENT, "phone-1", 1, "other-id", true, null, Map.of())));
    done.expectNoMessage(Duration.ofMillis(50));
    twin.tell(new DeviceTwin.AckReceived(new ControlAck(SchemaVersion.CURRENT, "phone-1", 1, s.correlationId(), true, null,
        Map.of("cpuLevel", 0.75, "cpuThreads", 1))));
    DeviceTwin.ControlDone d = done.receiveMessage();
    assertThat(d.applied()).isTrue();
    assertThat(d.kind()).isEqualTo("interference");
    assertThat(d.correlationId()).isEqualTo(s.correlationId());
    assertThat(d.settings().path("cpuThreads").asInt()).isEqualTo(1);
    assertThat(d.error()).isNull();
    // a duplicate ack is dropped
    twin.tell(new DeviceTwin.AckReceived(new ControlAck(SchemaVersion.CURRENT, "phone-1", 1, s.correlationId(), true, null, Map.of())));
    done.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void aRefusalCarriesTheDevicesReason() {
    online();
    twin.tell(new DeviceTwin.RunControl(ControlRequest.network("cloud-1", "lte", null, 20000.0, null, null, null), 2000,
        done.ref()));
    SetNetwork n = (SetNetwork) published().message();
    assertThat(n.link()).isEqualTo("cloud-1");
    assertThat(n.technology()).isEqualTo("lte");
    assertThat(n.delayMs()).isEqualTo(20000.0);
    twin.tell(new DeviceTwin.AckReceived(new ControlAck(SchemaVersion.CURRENT, "phone-1", 1, n.correlationId(), false,
        "delayMs 20000 is out of range: allowed [0, 10000] ms", null)));
    DeviceTwin.ControlDone d = done.receiveMessage();
    assertThat(d.applied()).isFalse();
    assertThat(d.error()).isEqualTo("delayMs 20000 is out of range: allowed [0, 10000] ms");
    assertThat(d.settings().isEmpty()).isTrue();
  }

  @Test
  void noAckIsATimeout() {
    online();
    twin.tell(new DeviceTwin.RunControl(ControlRequest.interference(0.5, 0), 1500, done.ref()));
    published();
    manualTime.timePasses(Duration.ofMillis(1400));
    done.expectNoMessage(Duration.ofMillis(50));
    manualTime.timePasses(Duration.ofMillis(200));
    DeviceTwin.ControlDone d = done.receiveMessage();
    assertThat(d.applied()).isFalse();
    assertThat(d.error()).isEqualTo("timeout: no control ack within 1500 ms");
  }

  @Test
  void offlineOrUnknownDevicesAreAnsweredAtOnce() {
    twin.tell(new DeviceTwin.RunControl(ControlRequest.interference(0.5, 0), 1500, done.ref()));
    assertThat(done.receiveMessage().error()).startsWith("unknown-capabilities: device 'phone-1' has not said hello");
    twin.tell(new DeviceTwin.HelloReceived(Fixtures.phoneHello("phone-1")));
    twin.tell(new DeviceTwin.RunControl(ControlRequest.interference(0.5, 0), 1500, done.ref()));
    assertThat(done.receiveMessage().error()).isEqualTo("device-offline: device 'phone-1' is offline");
    mqtt.expectNoMessage(Duration.ofMillis(50));
    // going offline while waiting fails the pending command
    twin.tell(new DeviceTwin.StateReceived(State.online("phone-1", Fixtures.T0)));
    twin.tell(new DeviceTwin.RunControl(ControlRequest.network("*", null, -90.0, null, null, null, null), 1500, done.ref()));
    assertThat(((SetNetwork) published().message()).link()).isEqualTo("*");
    twin.tell(new DeviceTwin.StateReceived(State.offline("phone-1", Fixtures.T0)));
    assertThat(done.receiveMessage().error()).startsWith("device-offline: device 'phone-1' went offline");
  }
}
