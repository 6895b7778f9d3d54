package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.SensorSettings;
import io.testbed.agent.exec.SensorNode;
import io.testbed.agent.port.CpuCap;
import io.testbed.agent.testing.FakeMqttPort;
import io.testbed.agent.testing.TestInferenceServer;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.ErrorReply;
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
import io.testbed.protocol.WireMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sensor-node agent (SYSTEMS.md section 4) against an in-memory MQTT port with real ONNX Runtime and a real HTTP
 * far device: SetMode acks, modelled temperature in heartbeats rising in NSP and falling in CAP, frame results with
 * fidelity metrics in each mode, the CAP watchdog, the environment extension.
 */
class SensorNodeAgentTest {
  private static final String ID = "sensor-a";
  private static InferenceEngine reference;
  private final FakeMqttPort mqtt = new FakeMqttPort();
  private RunningAgent agent;
  private int seq;

  @BeforeAll
  static void referenceEngine() { reference = new InferenceEngine(ModelZoo.of(List.of("mobilenet")), ThreadSettings.single()); }

  @AfterAll
  static void closeReference() { reference.close(); }

  @AfterEach
  void stop() {
    if (agent != null) agent.close();
  }

  private RunningAgent start(Map<String, Object> sensor) {
    Map<String, Object> m = new HashMap<>(Map.of(
        "testbed.agent.id", ID,
        "testbed.agent.profile", "sensor-node",
        "testbed.agent.models", List.of("mobilenet"),
        "testbed.agent.heartbeat-interval", "50ms"));
    Map<String, Object> s = new HashMap<>(Map.of("frames.width", 320, "frames.height", 240));
    s.putAll(sensor);
    agent = DeviceAgent.builder(AgentSettings.load(m)).mqtt(mqtt).cpuCap(CpuCap.notEnforced("cpu cap not enforced: test"))
        .sensor(SensorSettings.load(s)).start();
    return agent;
  }

  private void send(WireMessage m) { mqtt.deliver(Topics.commands(ID), WireCodec.encode(m)); }

  private <T extends WireMessage> T awaitOn(Class<T> type, Predicate<T> which) {
    String topic = type == Heartbeat.class ? Topics.heartbeat(ID) : Topics.replies(ID);
    AtomicReference<T> found = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (T m : mqtt.messagesOn(topic, type)) {
        if (which.test(m)) {
          found.set(m);
          return true;
        }
      }
      return false;
    });
    return found.get();
  }

  private ControlAck setMode(String mode, String farId, String farUrl) {
    String corr = "m-" + (++seq);
    send(new SetMode(SchemaVersion.CURRENT, ID, 1, corr, mode, farId, farUrl));
    return awaitOn(ControlAck.class, a -> a.correlationId().equals(corr));
  }

  private InferenceResult frame(long index) {
    String corr = "f-" + (++seq);
    send(new InferenceCommand(SchemaVersion.CURRENT, ID, 1, corr, "mobilenet", SensorNode.FRAME_TARGET, Precision.FP32, 1, index, null,
        null, null, 30_000));
    return awaitOn(InferenceResult.class, r -> r.correlationId().equals(corr));
  }

  @Test
  void setModeIsAckedWithTheAppliedModeAndUnknownModesAreRefused() {
    start(Map.of());
    ControlAck cap = setMode("cap", null, null);
    assertThat(cap.applied()).isTrue();
    assertThat(cap.settings()).containsEntry("mode", "cap").containsEntry("previousMode", "nsp");
    ControlAck far = setMode("far", "edge-1", "http://127.0.0.1:9");
    assertThat(far.settings()).containsEntry("mode", "far").containsEntry("farDeviceId", "edge-1").containsEntry("farUrl", "http://127.0.0.1:9");
    ControlAck bad = setMode("turbo", null, null);
    assertThat(bad.applied()).isFalse();
    assertThat(bad.error()).contains("unsupported-mode").contains("turbo").contains("nsp, cap, far");
    assertThat(agent.sensorNode()).get().extracting(SensorNode::mode).hasToString("FAR");
    assertThat(agent.hello().notes()).anyMatch(n -> n.contains("sensor node"));
  }

  @Test
  void heartbeatTemperatureRisesInNspAndFallsInCap() {
    start(Map.of());
    Heartbeat hot = awaitOn(Heartbeat.class, h -> "nsp".equals(h.mode()) && h.temperatureC() != null && h.temperatureC() > 42);
    assertThat(hot.temperatureSource()).isEqualTo(PowerSource.MODELLED);
    Heartbeat first = mqtt.messagesOn(Topics.heartbeat(ID), Heartbeat.class).get(0);
    assertThat(first.temperatureC()).isLessThan(hot.temperatureC());
    setMode("cap", null, null);
    // gating drops the fast stage (~13 C within 20 ms): a CAP heartbeat is well below the hottest NSP one
    Heartbeat cool = awaitOn(Heartbeat.class, h -> "cap".equals(h.mode()));
    double hottest = mqtt.messagesOn(Topics.heartbeat(ID), Heartbeat.class).stream().filter(h -> "nsp".equals(h.mode()))
        .mapToDouble(Heartbeat::temperatureC).max().orElseThrow();
    assertThat(cool.temperatureC()).isLessThan(hottest - 8);
  }

  @Test
  void framesCarryFidelityTemperatureAndModelledPowerInEachMode() {
    start(Map.of());
    try (TestInferenceServer far = new TestInferenceServer("edge-9", reference)) {
      InferenceResult nsp = frame(3);
      assertThat(nsp.outcome()).isEqualTo(Outcome.OK);
      assertThat(nsp.executedOn()).isEqualTo(ID);
      assertThat(nsp.metrics()).containsKeys("psnrDb", "agreement", "temperatureC", "nodePowerW").containsEntry("modeCode", 0.0);
      assertThat(nsp.metrics().get("psnrDb")).isBetween(10.0, 60.0);
      assertThat(nsp.metrics().get("agreement")).isIn(0.0, 1.0);
      assertThat(nsp.metrics().get("nodePowerW")).isEqualTo(2.0);
      assertThat(nsp.energyJ()).isCloseTo(2.0 / 30, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(nsp.energySource()).isEqualTo(PowerSource.MODELLED);
      assertThat(nsp.outputDigest()).isNotNull();

      setMode("cap", null, null);
      InferenceResult cap = frame(4);
      assertThat(cap.outcome()).isEqualTo(Outcome.OK);
      assertThat(cap.metrics()).containsKeys("psnrDb", "temperatureC").doesNotContainKey("agreement").containsEntry("modeCode", 1.0);
      assertThat(cap.outputDigest()).isNull();
      assertThat(cap.metrics().get("nodePowerW")).isLessThan(0.31);

      setMode("far", "edge-9", far.url());
      InferenceResult farFrame = frame(5);
      assertThat(farFrame.outcome()).isEqualTo(Outcome.OK);
      assertThat(farFrame.executedOn()).isEqualTo("edge-9");
      assertThat(far.served()).isEqualTo(1);
      assertThat(farFrame.metrics()).containsKeys("psnrDb", "agreement", "temperatureC").containsEntry("modeCode", 2.0);
      assertThat(farFrame.metrics().get("transferPowerW")).isGreaterThan(0.5);
      assertThat(farFrame.metrics().get("farPowerW")).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(farFrame.bytesSent()).isEqualTo(3L * 224 * 224 * 4);
    }
    ErrorReply wrongModel;
    String corr = "f-bad";
    send(new InferenceCommand(SchemaVersion.CURRENT, ID, 1, corr, "mlp", SensorNode.FRAME_TARGET, Precision.FP32, 1, 1, null, null, null, 5_000));
    wrongModel = awaitOn(ErrorReply.class, e -> corr.equals(e.correlationId()));
    assertThat(wrongModel.message()).contains("mobilenet");
  }

  @Test
  void hotterSensorGivesNoisierFrames() {
    start(Map.of("thermal.ambient-c", 80));
    double hotPsnr = frame(7).metrics().get("psnrDb");
    agent.close();
    agent = null;
    FakeMqttPort second = new FakeMqttPort();
    Map<String, Object> m = new HashMap<>(Map.of("testbed.agent.id", ID, "testbed.agent.profile", "sensor-node",
        "testbed.agent.models", List.of("mobilenet")));
    agent = DeviceAgent.builder(AgentSettings.load(m)).mqtt(second).cpuCap(CpuCap.notEnforced("test"))
        .sensor(SensorSettings.load(Map.of("frames.width", 320, "frames.height", 240, "thermal.ambient-c", 20, "initial-mode", "cap"))).start();
    second.deliver(Topics.commands(ID), WireCodec.encode(new InferenceCommand(SchemaVersion.CURRENT, ID, 1, "cool", "mobilenet",
        SensorNode.FRAME_TARGET, Precision.FP32, 1, 7, null, null, null, 30_000)));
    await().atMost(Duration.ofSeconds(30)).until(() -> !second.messagesOn(Topics.replies(ID), InferenceResult.class).isEmpty());
    double coolPsnr = second.messagesOn(Topics.replies(ID), InferenceResult.class).get(0).metrics().get("psnrDb");
    assertThat(coolPsnr).isGreaterThan(hotPsnr + 1);
  }

  @Test
  void capWatchdogPutsTheNodeBackWithoutANewSetMode() {
    start(Map.of("cap-watchdog", "200ms"));
    setMode("cap", null, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.sensorNode().orElseThrow().watchdogReverts() == 1);
    assertThat(agent.sensorNode().orElseThrow().mode().wireName()).isEqualTo("nsp");
    awaitOn(Heartbeat.class, h -> "nsp".equals(h.mode()) && h.seq() > 0);
  }

  @Test
  void aRealNodeReportsPlausibleThermalZoneReadingsAndIgnoresGarbage(@org.junit.jupiter.api.io.TempDir java.nio.file.Path sys) throws Exception {
    java.nio.file.Path zone = java.nio.file.Files.createDirectories(sys.resolve("thermal_zone0"));
    java.nio.file.Files.writeString(zone.resolve("temp"), "45000\n");
    Map<String, Object> m = new HashMap<>(Map.of("testbed.agent.id", ID, "testbed.agent.profile", "sensor-node",
        "testbed.agent.models", List.of("mobilenet"), "testbed.agent.emulated", false, "testbed.agent.heartbeat-interval", "50ms"));
    agent = DeviceAgent.builder(AgentSettings.load(m)).mqtt(mqtt).cpuCap(CpuCap.notEnforced("test"))
        .thermal(new io.testbed.agent.telemetry.ThermalZones(sys))
        .sensor(SensorSettings.load(Map.of("frames.width", 320, "frames.height", 240))).start();
    Heartbeat ok = awaitOn(Heartbeat.class, h -> h.temperatureC() != null);
    assertThat(ok.temperatureC()).isEqualTo(45.0);
    assertThat(ok.temperatureSource()).isEqualTo(PowerSource.METERED);
    assertThat(ok.mode()).isEqualTo("nsp");
    // a zone returning garbage (999 C): flagged, counted, not published
    java.nio.file.Files.writeString(zone.resolve("temp"), "999000\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.sensorNode().orElseThrow().rejectedReadings() > 0);
    long seen = mqtt.messagesOn(Topics.heartbeat(ID), Heartbeat.class).size();
    Heartbeat after = awaitOn(Heartbeat.class, h -> h.seq() >= seen + 1);
    assertThat(after.temperatureC()).isNull();
    assertThat(mqtt.messagesOn(Topics.heartbeat(ID), Heartbeat.class)).noneMatch(h -> h.temperatureC() != null && h.temperatureC() > 150);
  }

  @Test
  void aSensorNodeWithoutItsModelIsAPlainAgent() {
    Map<String, Object> m = new HashMap<>(Map.of("testbed.agent.id", ID, "testbed.agent.profile", "sensor-node",
        "testbed.agent.models", List.of("mlp")));
    agent = DeviceAgent.builder(AgentSettings.load(m)).mqtt(mqtt).cpuCap(CpuCap.notEnforced("test")).start();
    assertThat(agent.sensorNode()).isEmpty();
    ControlAck ack = setMode("cap", null, null);
    assertThat(ack.applied()).isFalse();
    assertThat(ack.error()).startsWith("unsupported-mode");
  }

  @Test
  void environmentSetModeChangesAmbientAndLighting() {
    start(Map.of());
    ControlAck env = setMode(SensorNode.ENVIRONMENT_MODE, null, "ambientC=35&lighting=0.5");
    assertThat(env.applied()).isTrue();
    assertThat(env.settings()).containsEntry("ambientC", 35.0).containsEntry("lighting", 0.5);
    ControlAck bad = setMode(SensorNode.ENVIRONMENT_MODE, null, "ambientC=hot");
    assertThat(bad.applied()).isFalse();
    assertThat(bad.error()).contains("ambientC");
    ControlAck dark = setMode(SensorNode.ENVIRONMENT_MODE, null, "lighting=0");
    assertThat(dark.error()).contains("lighting must be in (0, 1]");
  }
}
