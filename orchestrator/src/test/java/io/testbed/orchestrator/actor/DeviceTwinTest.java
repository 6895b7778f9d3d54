package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.adapter.influx.RecentWindowSink;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceTwinTest {
  static final Config CONFIG = ManualTime.config()
      .withFallback(ConfigFactory.parseString("""
          pekko.actor.serialize-messages = on
          testbed.orchestrator.device.heartbeat-interval = 1s
          testbed.orchestrator.device.offline-after-missed-heartbeats = 3
          testbed.orchestrator.job.reply-grace = 2s
          """))
      .withFallback(ConfigFactory.load());
  static final ActorTestKit testKit = ActorTestKit.create("twin-test", CONFIG);
  static final ManualTime manualTime = ManualTime.get(testKit.system());
  static final OrchestratorSettings SETTINGS = OrchestratorSettings.fromConfig(CONFIG);
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_780_000_000L), ZoneOffset.UTC);

  TestProbe<MqttConnection.Command> mqtt;
  RecentWindowSink sink;
  ActorRef<DeviceTwin.Command> twin;
  int twins;

  @BeforeEach
  void startTwin() {
    mqtt = testKit.createTestProbe(MqttConnection.Command.class);
    sink = RecentWindowSink.memoryOnly(1000);
    twin = testKit.spawn(DeviceTwin.create("phone-1", mqtt.ref(), sink, CLOCK, SETTINGS), "twin-" + (++twins));
  }

  @AfterEach
  void stopTwin() {
    testKit.stop(twin);
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  DeviceView state() {
    TestProbe<DeviceView> probe = testKit.createTestProbe(DeviceView.class);
    twin.tell(new DeviceTwin.GetState(probe.ref()));
    return probe.receiveMessage();
  }

  void online() {
    twin.tell(new DeviceTwin.HelloReceived(Fixtures.phoneHello("phone-1")));
    twin.tell(new DeviceTwin.StateReceived(State.online("phone-1", Fixtures.T0)));
  }

  static DeviceTwin.InferenceRequest request(String model, String target, long timeoutMs) {
    return new DeviceTwin.InferenceRequest(model, target, null, 1, 7, null, null, null, timeoutMs);
  }

  /** Expects the twin to publish a command, acknowledges the publish and returns the command. */
  InferenceCommand expectCommand() {
    MqttConnection.Publish p = mqtt.expectMessageClass(MqttConnection.Publish.class);
    assertThat(p.topic()).isEqualTo(Topics.commands("phone-1"));
    assertThat(p.qos()).isEqualTo(1);
    assertThat(p.retained()).isFalse();
    p.replyTo().tell(new MqttConnection.PublishResult(p.topic(), null));
    return (InferenceCommand) p.message();
  }

  @Test
  void helloGivesCapabilities() {
    assertThat(state().capabilitiesKnown()).isFalse();
    twin.tell(new DeviceTwin.HelloReceived(Fixtures.phoneHello("phone-1")));
    DeviceView v = state();
    assertThat(v.capabilitiesKnown()).isTrue();
    assertThat(v.kind().wireName()).isEqualTo("phone");
    assertThat(v.targets()).extracting(t -> t.id()).containsExactly("cpu", "dsp");
    assertThat(v.models()).extracting(m -> m.name()).containsExactly("mobilenet");
    assertThat(v.lastSeenNs()).isEqualTo(CLOCK.instant().getEpochSecond() * 1_000_000_000L);
  }

  @Test
  void lastWillMarksOffline() {
    online();
    assertThat(state().status()).isEqualTo(DeviceStatus.ONLINE);
    twin.tell(new DeviceTwin.StateReceived(State.offline("phone-1", Fixtures.T0 + 5)));
    assertThat(state().status()).isEqualTo(DeviceStatus.OFFLINE);
    assertThat(sink.recent(Measurements.DEVICE_STATE)).extracting(p -> p.fields().get("online")).containsExactly(1L, 0L);
  }

  @Test
  void missedHeartbeatsMarkOfflineAndAHeartbeatBringsItBack() {
    online();
    twin.tell(new DeviceTwin.HeartbeatReceived(Fixtures.heartbeat("phone-1", 1)));
    manualTime.timePasses(Duration.ofMillis(2500)); // two ticks: still within 3 intervals
    assertThat(state().status()).isEqualTo(DeviceStatus.ONLINE);
    manualTime.timePasses(Duration.ofMillis(1000));
    assertThat(state().status()).isEqualTo(DeviceStatus.OFFLINE);
    twin.tell(new DeviceTwin.HeartbeatReceived(Fixtures.heartbeat("phone-1", 2)));
    DeviceView v = state();
    assertThat(v.status()).isEqualTo(DeviceStatus.ONLINE);
    assertThat(v.lastHeartbeat().seq()).isEqualTo(2);
    List<TelemetryPoint> hb = sink.recent(Measurements.HEARTBEAT);
    assertThat(hb).hasSize(2);
    assertThat(hb.get(0).tags()).containsEntry("device", "phone-1").containsEntry("kind", "phone")
        .containsEntry("run", "none").containsEntry("source", "modelled");
    assertThat(hb.get(0).fields()).containsEntry("cpuUtilisation", 0.25).containsEntry("temperatureC", 41.5);
  }

  @Test
  void commandIsPublishedAndReplyCorrelated() {
    online();
    twin.tell(new DeviceTwin.SetRun("job-1"));
    TestProbe<DeviceTwin.InferenceDone> asker = testKit.createTestProbe(DeviceTwin.InferenceDone.class);
    twin.tell(new DeviceTwin.RunInference(request("mobilenet", "cpu", 5000), "job-1", "fixed", asker.ref()));
    InferenceCommand c = expectCommand();
    assertThat(c.deviceId()).isEqualTo("phone-1");
    assertThat(c.model()).isEqualTo("mobilenet");
    assertThat(c.target()).isEqualTo("cpu");
    assertThat(c.precision()).isEqualTo(Precision.FP32); // the cpu target's precision
    assertThat(c.inputSeed()).isEqualTo(7);
    assertThat(c.timeoutMs()).isEqualTo(5000);
    // a reply for someone else is ignored; the right one reaches the asker
    twin.tell(new DeviceTwin.ResultReceived(Fixtures.okResult(
        new InferenceCommand(SchemaVersion.CURRENT, "phone-1", 1, "other", "mobilenet", "cpu", Precision.FP32, 1, 1, null,
            null, null, 100), 3.0)));
    asker.expectNoMessage(Duration.ofMillis(50));
    twin.tell(new DeviceTwin.ResultReceived(Fixtures.okResult(c, 12.5)));
    DeviceTwin.InferenceDone done = asker.receiveMessage();
    assertThat(done.result().correlationId()).isEqualTo(c.correlationId());
    assertThat(done.result().outcome()).isEqualTo(Outcome.OK);
    assertThat(done.result().latencyMs()).isEqualTo(12.5);
    TelemetryPoint p = sink.recent(Measurements.INFERENCE).get(0);
    assertThat(p.tags()).containsEntry("run", "job-1").containsEntry("policy", "fixed").containsEntry("outcome", "ok")
        .containsEntry("model", "mobilenet").containsEntry("target", "cpu").containsEntry("precision", "fp32")
        .containsEntry("executedOn", "phone-1").containsEntry("source", "modelled");
    assertThat(p.fields()).containsEntry("latencyMs", 12.5).containsEntry("ok", 1L).containsEntry("energyJ", 0.05);
    assertThat(state().resultsOk()).isEqualTo(1);
  }

  @Test
  void noReplyGivesTimeout() {
    online();
    TestProbe<DeviceTwin.InferenceDone> asker = testKit.createTestProbe(DeviceTwin.InferenceDone.class);
    twin.tell(new DeviceTwin.RunInference(request("mobilenet", "cpu", 1000), null, "fixed", asker.ref()));
    InferenceCommand c = expectCommand();
    // the device stays alive (heartbeats) but never answers
    for (int i = 1; i <= 2; i++) {
      twin.tell(new DeviceTwin.HeartbeatReceived(Fixtures.heartbeat("phone-1", i)));
      manualTime.timePasses(Duration.ofMillis(1000));
    }
    twin.tell(new DeviceTwin.HeartbeatReceived(Fixtures.heartbeat("phone-1", 3)));
    manualTime.timePasses(Duration.ofMillis(900));
    asker.expectNoMessage(Duration.ofMillis(50));
    twin.tell(new DeviceTwin.HeartbeatReceived(Fixtures.heartbeat("phone-1", 4)));
    manualTime.timePasses(Duration.ofMillis(200)); // past 1000 ms + 2000 ms grace
    DeviceTwin.InferenceDone done = asker.receiveMessage();
    assertThat(done.result().outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(done.result().error()).startsWith("timeout");
    assertThat(done.result().correlationId()).isEqualTo(c.correlationId());
    // a late reply after the timeout is dropped, not delivered twice
    twin.tell(new DeviceTwin.ResultReceived(Fixtures.okResult(c, 4000)));
    asker.expectNoMessage(Duration.ofMillis(50));
    assertThat(state().resultsFailed()).isEqualTo(1);
  }

  @Test
  void goingOfflineWhileWaitingFailsTheRequest() {
    online();
    TestProbe<DeviceTwin.InferenceDone> asker = testKit.createTestProbe(DeviceTwin.InferenceDone.class);
    twin.tell(new DeviceTwin.RunInference(request("mobilenet", "cpu", 60_000), null, "fixed", asker.ref()));
    expectCommand();
    twin.tell(new DeviceTwin.StateReceived(State.offline("phone-1", Fixtures.T0 + 9)));
    DeviceTwin.InferenceDone done = asker.receiveMessage();
    assertThat(done.result().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(done.result().error()).startsWith("device-offline");
  }

  @Test
  void unknownModelIsRefusedNamingIt() {
    online();
    TestProbe<DeviceTwin.InferenceDone> asker = testKit.createTestProbe(DeviceTwin.InferenceDone.class);
    twin.tell(new DeviceTwin.RunInference(request("resnet", "cpu", 1000), null, "fixed", asker.ref()));
    DeviceTwin.InferenceDone done = asker.receiveMessage();
    assertThat(done.result().outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(done.result().error()).contains("unknown model 'resnet'");
    twin.tell(new DeviceTwin.RunInference(request("mobilenet", "npu", 1000), null, "fixed", asker.ref()));
    assertThat(asker.receiveMessage().result().error()).contains("unknown target 'npu'");
    mqtt.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void deviceErrorReplyIsCorrelated() {
    online();
    TestProbe<DeviceTwin.InferenceDone> asker = testKit.createTestProbe(DeviceTwin.InferenceDone.class);
    twin.tell(new DeviceTwin.RunInference(request("mobilenet", "dsp", 1000), null, "fixed", asker.ref()));
    InferenceCommand c = expectCommand();
    assertThat(c.precision()).isEqualTo(Precision.INT8);
    twin.tell(new DeviceTwin.ErrorReceived(new ErrorReply(SchemaVersion.CURRENT, "phone-1", Fixtures.T0, c.correlationId(),
        "busy", "dsp is busy")));
    DeviceTwin.InferenceDone done = asker.receiveMessage();
    assertThat(done.result().outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(done.result().error()).isEqualTo("busy: dsp is busy");
  }

  @Test
  void offlineDeviceAndFailedPublishAnswerAtOnce() {
    twin.tell(new DeviceTwin.HelloReceived(Fixtures.phoneHello("phone-1")));
    TestProbe<DeviceTwin.InferenceDone> asker = testKit.createTestProbe(DeviceTwin.InferenceDone.class);
    twin.tell(new DeviceTwin.RunInference(request("mobilenet", "cpu", 1000), null, "fixed", asker.ref()));
    assertThat(asker.receiveMessage().result().error()).startsWith("device-offline");
    twin.tell(new DeviceTwin.StateReceived(State.online("phone-1", Fixtures.T0)));
    twin.tell(new DeviceTwin.RunInference(request("mobilenet", "cpu", 1000), null, "fixed", asker.ref()));
    MqttConnection.Publish p = mqtt.expectMessageClass(MqttConnection.Publish.class);
    p.replyTo().tell(new MqttConnection.PublishResult(p.topic(), "broker gone"));
    DeviceTwin.InferenceDone done = asker.receiveMessage();
    assertThat(done.result().outcome()).isEqualTo(Outcome.FAILED);
    assertThat(done.result().error()).isEqualTo("publish-failed: broker gone");
  }

  @Test
  void malformedMessagesAreCounted() {
    twin.tell(new DeviceTwin.MalformedReceived("not-json", "Unrecognized token 'garbage'"));
    twin.tell(new DeviceTwin.MalformedReceived("invalid-fields", "invalid Heartbeat: cpuUtilisation must be in [0, 1]"));
    assertThat(state().malformedMessages()).isEqualTo(2);
    assertThat(sink.recent(Measurements.MALFORMED)).extracting(p -> p.tags().get("reasonClass"))
        .containsExactly("not-json", "invalid-fields");
  }
}
