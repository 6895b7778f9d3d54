package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.port.CpuCap;
import io.testbed.agent.testing.FakeMqttPort;
import io.testbed.agent.testing.TestInferenceServer;
import io.testbed.inference.Agreement;
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
import io.testbed.protocol.SetMode;
import io.testbed.protocol.SetNetwork;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device side of AutoScale against an in-memory MQTT port with real ONNX Runtime: control commands and their
 * acks, co-runner load and link RSSI in heartbeats, INT8 agreement, DVFS energy, and offloads through the relay.
 */
class AutoScaleAgentTest {
  private static final String ID = "phone-a";
  private static InferenceEngine reference;
  private final FakeMqttPort mqtt = new FakeMqttPort();
  private RunningAgent agent;
  private int seq;

  @BeforeAll
  static void referenceEngine() { reference = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single()); }

  @AfterAll
  static void closeReference() { reference.close(); }

  @AfterEach
  void stop() {
    if (agent != null) agent.close();
  }

  private RunningAgent start() { return start(Map.of()); }

  private RunningAgent start(Map<String, Object> extra) {
    Map<String, Object> m = new java.util.HashMap<>(Map.of(
        "testbed.agent.id", ID,
        "testbed.agent.profile", "phone",
        "testbed.agent.models", List.of("mlp"),
        "testbed.agent.heartbeat-interval", "100ms",
        "testbed.agent.interference.memory-buffer-mb", 16));
    m.putAll(extra);
    AgentSettings s = AgentSettings.load(m);
    agent = DeviceAgent.builder(s).mqtt(mqtt).cpuCap(CpuCap.notEnforced("cpu cap not enforced: test")).start();
    return agent;
  }

  private void send(WireMessage m) { mqtt.deliver(Topics.commands(ID), WireCodec.encode(m)); }

  private <T extends WireMessage> T awaitOn(String topic, Class<T> type, Predicate<T> which) {
    AtomicReference<T> found = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
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

  private ControlAck ack(String corr) { return awaitOn(Topics.replies(ID), ControlAck.class, a -> a.correlationId().equals(corr)); }

  private InferenceResult result(String corr) { return awaitOn(Topics.replies(ID), InferenceResult.class, r -> r.correlationId().equals(corr)); }

  private static SetNetwork network(String corr, String link, String tech, Double rssi, Double delay, Double rate) {
    return new SetNetwork(SchemaVersion.CURRENT, ID, 1, corr, link, tech, rssi, delay, null, rate, null);
  }

  private InferenceCommand command(String target, Precision p, Integer level, String peer, String url) {
    return new InferenceCommand(SchemaVersion.CURRENT, ID, 1, "c-" + (++seq), "mlp", target, p, 2, 5, level, peer, url, 20_000);
  }

  @Test
  void setInterferenceIsAckedWithTheAppliedLevelsAndHeartbeatsCarryTheCoRunnerLoad() {
    start();
    send(new SetInterference(SchemaVersion.CURRENT, ID, 1, "i-1", 1.0, 0.5));
    ControlAck a = ack("i-1");
    assertThat(a.applied()).isTrue();
    assertThat(a.settings()).containsEntry("cpuLevel", 1.0).containsEntry("memoryLevel", 0.5).containsEntry("cpuThreads", 1)
        .containsEntry("memoryBufferMb", 16);
    long after = mqtt.published().size();
    Heartbeat loaded = awaitOn(Topics.heartbeat(ID), Heartbeat.class, h -> h.coRunnerCpuUtilisation() != null && h.coRunnerCpuUtilisation() > 0.5
        && h.memoryPressure() != null && h.memoryPressure() > 0.05);
    assertThat(loaded.cpuUtilisation()).isPositive();
    assertThat(agent.interference().applied().cpuLevel()).isEqualTo(1.0);

    send(new SetInterference(SchemaVersion.CURRENT, ID, 1, "i-2", 0, 0));
    assertThat(ack("i-2").settings()).containsEntry("cpuThreads", 0);
    int seen = mqtt.messagesOn(Topics.heartbeat(ID), Heartbeat.class).size();
    Heartbeat quiet = awaitOn(Topics.heartbeat(ID), Heartbeat.class, h -> h.seq() > seen + 1 && h.coRunnerCpuUtilisation() < 0.05);
    assertThat(quiet.memoryPressure()).isZero();
    assertThat(after).isPositive();
    assertThat(agent.appliedControls()).isEqualTo(2);
  }

  @Test
  void setNetworkByRssiIsAckedWithTheMappedConditionsAndHeartbeatsCarryEveryLinksRssi() {
    start();
    send(network("n-1", "edge-1", "wifi", -80.0, null, null));
    ControlAck a = ack("n-1");
    assertThat(a.applied()).isTrue();
    assertThat(a.settings()).containsEntry("link", "edge-1").containsEntry("technology", "wifi").containsEntry("rssiDbm", -80.0)
        .containsEntry("rateMbps", 4.2).containsEntry("delayMs", 10.0).containsEntry("jitterMs", 6.0).containsEntry("lossPct", 2.0)
        .containsEntry("shaper", "relay");
    send(network("n-2", "cloud-1", "lte", -100.0, null, 3.0));
    ControlAck b = ack("n-2");
    assertThat(b.settings()).containsEntry("technology", "lte").containsEntry("rateMbps", 3.0).containsEntry("delayMs", 32.5);
    Heartbeat h = awaitOn(Topics.heartbeat(ID), Heartbeat.class, x -> x.linkRssiDbm() != null && x.linkRssiDbm().size() == 2);
    assertThat(h.linkRssiDbm()).containsEntry("edge-1", -80.0).containsEntry("cloud-1", -100.0);
    assertThat(h.rssiDbm()).isEqualTo(-100.0);
    assertThat(h.mode()).isNull();

    send(network("n-3", "*", null, -60.0, null, null));
    ControlAck all = ack("n-3");
    assertThat(all.settings()).containsEntry("link", "*");
    assertThat(((List<?>) all.settings().get("links")).stream().map(Object::toString).toList()).containsExactlyInAnyOrder("*", "edge-1", "cloud-1");
    assertThat(agent.network().link("edge-1").rssiDbm()).isEqualTo(-60.0);
    assertThat(agent.network().link("cloud-1").technology().wireName()).isEqualTo("lte");
  }

  @Test
  void outOfRangeWrongDeviceAndModesAreRefusedWithAnAckNamingTheRange() {
    start();
    send(network("r-1", "edge-1", null, null, 20_000.0, null));
    ControlAck delay = ack("r-1");
    assertThat(delay.applied()).isFalse();
    assertThat(delay.error()).isEqualTo("delayMs 20000 is out of range: allowed [0, 10000] ms");
    assertThat(delay.settings()).isEmpty();
    // outside the protocol's own range: the payload does not decode, the agent still answers with a ControlAck
    mqtt.deliver(Topics.commands(ID), ("{\"type\":\"set-network\",\"schemaVersion\":1,\"deviceId\":\"" + ID + "\",\"timestampNs\":1,"
        + "\"correlationId\":\"r-2\",\"link\":\"edge-1\",\"rssiDbm\":5}").getBytes(StandardCharsets.UTF_8));
    ControlAck rssi = ack("r-2");
    assertThat(rssi.applied()).isFalse();
    assertThat(rssi.error()).contains("rssiDbm must be in [-120, 0]");
    mqtt.deliver(Topics.commands(ID), ("{\"type\":\"set-interference\",\"schemaVersion\":1,\"deviceId\":\"" + ID + "\",\"timestampNs\":1,"
        + "\"correlationId\":\"r-3\",\"cpuLevel\":1.5,\"memoryLevel\":0}").getBytes(StandardCharsets.UTF_8));
    assertThat(ack("r-3").error()).contains("cpuLevel must be in [0, 1]");
    send(new SetInterference(SchemaVersion.CURRENT, "someone-else", 1, "r-4", 0.5, 0));
    assertThat(ack("r-4").error()).contains("deviceId");
    send(new SetMode(SchemaVersion.CURRENT, ID, 1, "r-5", "nsp", null, null));
    ControlAck mode = ack("r-5");
    assertThat(mode.applied()).isFalse();
    assertThat(mode.error()).startsWith("unsupported-mode");
    assertThat(agent.refusedControls()).isEqualTo(5);
    assertThat(agent.interference().applied().cpuLevel()).isZero();
    // the agent carries on
    send(command("cpu", Precision.FP32, null, null, null));
    assertThat(result("c-1").outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void int8TargetsReportTheirAgreementWithFp32OnTheSameInput() throws Exception {
    start();
    send(command("dsp", Precision.INT8, null, null, null));
    InferenceResult r = result("c-1");
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    float[] input = InferenceEngine.syntheticInput(reference.zoo().model("mlp"), 2, 5);
    double expected = Agreement.top1(reference.run("mlp", Precision.INT8, input, 2).values(), reference.run("mlp", Precision.FP32, input, 2).values(), 2);
    assertThat(r.metrics()).containsEntry("agreement", expected);
    send(command("cpu", Precision.FP32, null, null, null));
    assertThat(result("c-2").metrics()).isNull();
  }

  @Test
  void lowerDvfsLevelsAreSlowerAndTheirEnergyFollowsTheirPower() {
    start();
    Hello hello = agent.hello();
    assertThat(hello.target("cpu").orElseThrow().dvfsLevelsMHz()).containsExactly(600, 1200, 1800, 2400);
    List<Double> slow = new ArrayList<>();
    List<Double> fast = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      send(command("cpu", Precision.FP32, 600, null, null));
      InferenceResult s = result("c-" + seq);
      send(command("cpu", Precision.FP32, 2400, null, null));
      InferenceResult f = result("c-" + seq);
      // busy W of the level (reference.conf: 0.99 W at 600 MHz, 3.58 W at 2400 MHz) x compute + idle 0.6 W x the rest
      assertThat(s.energyJ()).isBetween(0.99 * s.computeMs() / 1000 * 0.999, (0.99 * s.computeMs() + 0.6 * (s.latencyMs() - s.computeMs())) / 1000 * 1.01);
      assertThat(f.energyJ()).isBetween(3.58 * f.computeMs() / 1000 * 0.999, (3.58 * f.computeMs() + 0.6 * (f.latencyMs() - f.computeMs())) / 1000 * 1.01);
      slow.add(s.computeMs());
      fast.add(f.computeMs());
    }
    assertThat(median(slow)).isGreaterThan(2 * median(fast));
  }

  @Test
  void offloadsGoThroughTheRelayAndAWeakLinkIsSlowerAndCostsMoreRadioEnergy() {
    start();
    try (TestInferenceServer peer = new TestInferenceServer("edge-9", reference)) {
      send(network("n-1", "edge-9", "wifi", -50.0, null, null));
      ack("n-1");
      List<InferenceResult> strong = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        send(command("offload", Precision.FP32, null, "edge-9", peer.url()));
        strong.add(result("c-" + seq));
      }
      send(network("n-2", "edge-9", "wifi", -90.0, null, null));
      ack("n-2");
      List<InferenceResult> weak = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        send(command("offload", Precision.FP32, null, "edge-9", peer.url()));
        weak.add(result("c-" + seq));
      }
      assertThat(strong).allMatch(r -> r.outcome() == Outcome.OK && r.executedOn().equals("edge-9"));
      assertThat(weak).allMatch(r -> r.outcome() == Outcome.OK);
      assertThat(peer.served()).isEqualTo(6);
      // -90 dBm Wi-Fi: 0.5 Mb/s and 80 ms RTT against 42 Mb/s and 4 ms: 6.3 KB up takes ~100 ms more at least
      double strongMs = median(strong.stream().map(InferenceResult::latencyMs).toList());
      double weakMs = median(weak.stream().map(InferenceResult::latencyMs).toList());
      assertThat(weakMs).isGreaterThan(strongMs + 80);
      assertThat(weak.get(0).metrics()).containsEntry("rssiDbm", -90.0).containsEntry("linkRateMbps", 0.5);
      assertThat(weak.get(1).metrics().get("radioEnergyJ")).isGreaterThan(strong.get(1).metrics().get("radioEnergyJ"));
      assertThat(weak.get(0).outputDigest()).isEqualTo(strong.get(0).outputDigest());
    }
  }

  @Test
  void anUnreachablePeerFailsTheOffloadAndTheRunContinues() {
    start();
    send(command("offload", Precision.FP32, null, "edge-dead", "http://127.0.0.1:1"));
    InferenceResult r = result("c-1");
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.error()).contains("edge-dead", "relay shaper", "peer unreachable: cannot connect to 127.0.0.1:1", "Connection refused");
    send(command("cpu", Precision.FP32, null, null, null));
    assertThat(result("c-2").outcome()).isEqualTo(Outcome.OK);
  }

  @Test
  void aBoundMeterReplacesTheModelledEnergy() {
    AgentSettings s = AgentSettings.load(Map.of("testbed.agent.id", ID, "testbed.agent.profile", "phone", "testbed.agent.models", List.of("mlp")));
    List<long[]> windows = new java.util.concurrent.CopyOnWriteArrayList<>();
    agent = DeviceAgent.builder(s).mqtt(mqtt).cpuCap(CpuCap.notEnforced("cpu cap not enforced: test")).energyMeter((from, to) -> {
      windows.add(new long[] {from, to});
      return java.util.OptionalDouble.of(0.125);
    }).start();
    send(command("cpu", Precision.FP32, null, null, null));
    InferenceResult r = result("c-1");
    assertThat(r.energyJ()).isEqualTo(0.125);
    assertThat(r.energySource()).isEqualTo(io.testbed.protocol.PowerSource.METERED);
    assertThat(windows).hasSize(1);
    assertThat(windows.get(0)[1] - windows.get(0)[0]).isEqualTo(r.endNs() - r.startNs());
  }

  @Test
  void aLocalStepsScheduleChangesTheLinkOverTime() {
    start(Map.of("testbed.agent.network.schedules", List.of(Map.of("link", "cloud-1", "type", "steps", "tick", "20ms",
        "steps", List.of(Map.of("at", "0s", "rssi-dbm", -50), Map.of("at", "1500ms", "rssi-dbm", -86))))));
    awaitOn(Topics.heartbeat(ID), Heartbeat.class, h -> Double.valueOf(-50).equals(h.rssiDbm()));
    Heartbeat later = awaitOn(Topics.heartbeat(ID), Heartbeat.class, h -> Double.valueOf(-86).equals(h.rssiDbm()));
    assertThat(later.linkRssiDbm()).containsEntry("cloud-1", -86.0);
    assertThat(agent.network().link("cloud-1").rateMbps()).isEqualTo(1.0);
  }

  private static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a[a.length / 2];
  }
}
