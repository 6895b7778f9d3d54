package io.testbed.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.port.CpuCap;
import io.testbed.agent.port.OffloadPort;
import io.testbed.agent.testing.FakeMqttPort;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent's command handling and announcements against an in-memory MQTT port, with real ONNX Runtime inference. */
class DeviceAgentTest {
  private static InferenceEngine reference;
  private final FakeMqttPort mqtt = new FakeMqttPort();
  private RunningAgent agent;

  @BeforeAll
  static void referenceEngine() {
    reference = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single());
  }

  @AfterAll
  static void closeReference() { reference.close(); }

  @AfterEach
  void stop() {
    if (agent != null) agent.close();
  }

  static AgentSettings settings(Map<String, Object> extra) {
    Map<String, Object> m = new java.util.HashMap<>(Map.of(
        "testbed.agent.id", "phone-t",
        "testbed.agent.profile", "phone",
        "testbed.agent.models", List.of("mlp"),
        "testbed.agent.heartbeat-interval", "100ms",
        "testbed.agent.power.publish-interval", "200ms"));
    m.putAll(extra);
    return AgentSettings.load(m);
  }

  private RunningAgent start(AgentSettings s, OffloadPort offload) {
    DeviceAgent.Builder b = DeviceAgent.builder(s).mqtt(mqtt).cpuCap(CpuCap.notEnforced("cpu cap not enforced: test"));
    if (offload != null) b.offload(offload);
    agent = b.start();
    return agent;
  }

  private static InferenceCommand command(String corr, String model, String target, Precision p, int batch, long seed) {
    return new InferenceCommand(SchemaVersion.CURRENT, "phone-t", 1, corr, model, target, p, batch, seed, null, null, null, 10_000);
  }

  private void send(InferenceCommand c) { mqtt.deliver(Topics.commands("phone-t"), WireCodec.encode(c)); }

  private List<WireMessage> replies() { return mqtt.messagesOn(Topics.replies("phone-t")); }

  private <T extends WireMessage> T awaitReply(Class<T> type, java.util.function.Predicate<T> which) {
    AtomicReference<T> found = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      for (WireMessage m : replies()) {
        if (type.isInstance(m) && which.test(type.cast(m))) {
          found.set(type.cast(m));
          return true;
        }
      }
      return false;
    });
    return found.get();
  }

  private InferenceResult result(String corr) { return awaitReply(InferenceResult.class, r -> r.correlationId().equals(corr)); }

  @Test
  void announcesItselfWithALastWillRetainedStateAndHello() throws Exception {
    start(settings(Map.of()), null);
    assertThat(mqtt.will().topic()).isEqualTo(Topics.state("phone-t"));
    assertThat(mqtt.will().retained()).isTrue();
    assertThat(mqtt.will().qos()).isEqualTo(1);
    assertThat(((State) WireCodec.decode(mqtt.will().payload())).status()).isEqualTo(DeviceStatus.OFFLINE);

    await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.subscriptions().contains(Topics.commands("phone-t")));
    FakeMqttPort.Published state = mqtt.published().stream().filter(p -> p.topic().equals(Topics.state("phone-t"))).findFirst().orElseThrow();
    assertThat(state.retained()).isTrue();
    assertThat(((State) state.decode()).status()).isEqualTo(DeviceStatus.ONLINE);
    FakeMqttPort.Published hp = mqtt.published().stream().filter(p -> p.topic().equals(Topics.hello("phone-t"))).findFirst().orElseThrow();
    assertThat(hp.retained()).isTrue();
    Hello hello = (Hello) hp.decode();
    assertThat(hello.profile()).isEqualTo("phone");
    assertThat(hello.emulated()).isTrue();
    assertThat(hello.targets()).extracting(t -> t.id()).containsExactly("cpu", "gpu", "dsp");
    assertThat(hello.target("gpu").orElseThrow().modelled()).isTrue();
    assertThat(hello.target("dsp").orElseThrow().precision()).isEqualTo(Precision.INT8);
    assertThat(hello.target("cpu").orElseThrow().dvfsLevelsMHz()).containsExactly(600, 1200, 1800, 2400);
    assertThat(hello.target("cpu").orElseThrow().relativeSpeed()).isEqualTo(0.35);
    assertThat(hello.models()).extracting(m -> m.name()).containsExactly("mlp");
    assertThat(hello.endpoint()).isNull();
    assertThat(hello.notes()).anyMatch(n -> n.contains("cpu cap not enforced"));
    assertThat(hello.software()).containsKeys("agent", "onnxruntime", "java");

    mqtt.reconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.messagesOn(Topics.hello("phone-t")).size() == 2);
  }

  @Test
  void runsACommandAndReportsTheSameDigestAsALocalRun() throws Exception {
    start(settings(Map.of()), null);
    send(command("c-1", "mlp", "cpu", Precision.FP32, 2, 7));
    InferenceResult r = result("c-1");
    String expected = reference.run("mlp", Precision.FP32, InferenceEngine.syntheticInput(reference.zoo().model("mlp"), 2, 7), 2).digest();
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(r.outputDigest()).isEqualTo(expected);
    assertThat(r.executedOn()).isEqualTo("phone-t");
    assertThat(r.target()).isEqualTo("cpu");
    assertThat(r.batchSize()).isEqualTo(2);
    assertThat(r.computeMs()).isPositive();
    assertThat(r.latencyMs()).isGreaterThanOrEqualTo(r.computeMs() * 0.99);
    assertThat(r.endNs()).isGreaterThanOrEqualTo(r.startNs());
    assertThat(r.energySource()).isEqualTo(PowerSource.MODELLED);
    assertThat(r.energyJ()).isPositive();
    assertThat(r.networkMs()).isNull();
  }

  @Test
  void int8DspRunsTheInt8GraphAndDvfsLevelsUseTheirOwnPower() throws Exception {
    start(settings(Map.of()), null);
    send(new InferenceCommand(SchemaVersion.CURRENT, "phone-t", 1, "d-1", "mlp", "dsp", Precision.INT8, 1, 3, null, null, null, 10_000));
    InferenceResult r = result("d-1");
    String expected = reference.run("mlp", Precision.INT8, InferenceEngine.syntheticInput(reference.zoo().model("mlp"), 1, 3), 1).digest();
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(r.outputDigest()).isEqualTo(expected);
    send(new InferenceCommand(SchemaVersion.CURRENT, "phone-t", 1, "d-2", "mlp", "cpu", Precision.FP32, 1, 3, 600, null, null, 10_000));
    InferenceResult slow = result("d-2");
    assertThat(slow.outcome()).isEqualTo(Outcome.OK);
    assertThat(slow.latencyMs()).isGreaterThanOrEqualTo(slow.computeMs() * 0.99);
    // 0.99 W busy at 600 MHz during compute, 0.6 W idle for the rest of the execution window
    assertThat(slow.energyJ()).isBetween(0.99 * slow.computeMs() / 1000.0 * 0.999, 0.99 * slow.latencyMs() / 1000.0 * 1.001);
  }

  @Test
  void refusesUnknownModelTargetPrecisionAndLevelWithStableCodes() {
    start(settings(Map.of()), null);
    send(command("u-1", "resnet", "cpu", Precision.FP32, 1, 1));
    send(command("u-2", "mlp", "tpu", Precision.FP32, 1, 1));
    send(command("u-3", "mlp", "dsp", Precision.FP32, 1, 1));
    send(new InferenceCommand(SchemaVersion.CURRENT, "phone-t", 1, "u-4", "mlp", "cpu", Precision.FP32, 1, 1, 999, null, null, 1000));
    assertThat(awaitReply(ErrorReply.class, e -> "u-1".equals(e.correlationId())).code()).isEqualTo("unknown-model");
    assertThat(awaitReply(ErrorReply.class, e -> "u-2".equals(e.correlationId())).code()).isEqualTo("unknown-target");
    ErrorReply p = awaitReply(ErrorReply.class, e -> "u-3".equals(e.correlationId()));
    assertThat(p.code()).isEqualTo("bad-command");
    assertThat(p.message()).contains("precision");
    assertThat(awaitReply(ErrorReply.class, e -> "u-4".equals(e.correlationId())).message()).contains("dvfsLevelMHz");
    assertThat(agent.refusedCommands()).isEqualTo(4);
    assertThat(agent.malformedCommands()).isZero();
  }

  @Test
  void garbageIsCountedAnsweredAndTheAgentKeepsWorking() {
    start(settings(Map.of()), null);
    mqtt.deliver(Topics.commands("phone-t"), "not json at all \u0000\u0001".getBytes(StandardCharsets.ISO_8859_1));
    mqtt.deliver(Topics.commands("phone-t"), WireCodec.encode(State.online("phone-t", 1))); // wrong type
    mqtt.deliver(Topics.commands("phone-t"),
        ("{\"type\":\"inference-command\",\"schemaVersion\":1,\"deviceId\":\"phone-t\",\"timestampNs\":1,\"correlationId\":\"g-3\","
            + "\"model\":\"mlp\",\"target\":\"cpu\",\"precision\":\"fp32\",\"batchSize\":0,\"inputSeed\":1,\"timeoutMs\":100}")
            .getBytes(StandardCharsets.UTF_8));
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.malformedCommands() == 3);
    List<ErrorReply> errors = mqtt.messagesOn(Topics.replies("phone-t"), ErrorReply.class);
    assertThat(errors).hasSize(3).allMatch(e -> e.code().equals("bad-command"));
    assertThat(errors.get(0).correlationId()).isNull();
    assertThat(errors.get(1).message()).contains("InferenceCommand");
    assertThat(errors.get(2).correlationId()).isEqualTo("g-3");
    assertThat(errors.get(2).message()).contains("batchSize");

    send(command("after", "mlp", "cpu", Precision.FP32, 1, 1));
    assertThat(result("after").outcome()).isEqualTo(Outcome.OK);
    mqtt.deliver("somewhere/else", new byte[] {1});
    assertThat(agent.unknownMessages()).isEqualTo(1);
  }

  @Test
  void offloadReportsThePeersComputeNetworkTimeAndBytes() {
    OffloadPort peer = (req, timeout) -> new OffloadPort.Computed(new float[] {1, 2}, new long[] {1, 2}, 12.0, "abcd", "cloud-9",
        req.input().length * 4L, 8, 30.0);
    start(settings(Map.of()), peer);
    send(new InferenceCommand(SchemaVersion.CURRENT, "phone-t", 1, "o-1", "mlp", "offload", Precision.FP32, 1, 1, null, "cloud-9",
        "http://127.0.0.1:1", 5000));
    InferenceResult r = result("o-1");
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(r.executedOn()).isEqualTo("cloud-9");
    assertThat(r.computeMs()).isEqualTo(12.0);
    assertThat(r.networkMs()).isEqualTo(18.0);
    assertThat(r.bytesSent()).isEqualTo(784 * 4);
    assertThat(r.bytesReceived()).isEqualTo(8);
    assertThat(r.outputDigest()).isEqualTo("abcd");
    assertThat(r.energySource()).isEqualTo(PowerSource.MODELLED);
    assertThat(r.energyJ()).isPositive();
  }

  @Test
  void slowPeerTimesOutAndAFullQueueRejects() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    OffloadPort stuck = (req, timeout) -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new OffloadPort.NotComputed(Outcome.FAILED, "released", 0, 1);
    };
    start(settings(Map.of("testbed.agent.command-queue-capacity", 1)), stuck);
    send(new InferenceCommand(SchemaVersion.CURRENT, "phone-t", 1, "t-1", "mlp", "offload", Precision.FP32, 1, 1, null, "cloud-9",
        "http://127.0.0.1:1", 300));
    send(new InferenceCommand(SchemaVersion.CURRENT, "phone-t", 1, "t-2", "mlp", "offload", Precision.FP32, 1, 1, null, "cloud-9",
        "http://127.0.0.1:1", 300));
    send(command("t-3", "mlp", "cpu", Precision.FP32, 1, 1));
    assertThat(result("t-3").outcome()).isEqualTo(Outcome.REJECTED);
    InferenceResult t1 = result("t-1");
    assertThat(t1.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(t1.error()).contains("timeoutMs=300");
    assertThat(result("t-2").outcome()).isEqualTo(Outcome.TIMEOUT);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> agent.pendingCommands() == 0);
    // exactly one reply per command, even though the first one finished after its timeout
    send(command("t-4", "mlp", "cpu", Precision.FP32, 1, 1));
    assertThat(result("t-4").outcome()).isEqualTo(Outcome.OK);
    assertThat(mqtt.messagesOn(Topics.replies("phone-t"), InferenceResult.class).stream().filter(r -> r.correlationId().equals("t-1")))
        .hasSize(1);
  }

  @Test
  void sendsHeartbeatsAndModelledPowerBatchesAndGoesOfflineOnClose() {
    start(settings(Map.of()), null);
    await().atMost(Duration.ofSeconds(5)).until(() -> mqtt.messagesOn(Topics.heartbeat("phone-t")).size() >= 2
        && !mqtt.messagesOn(Topics.power("phone-t")).isEmpty());
    var batch = mqtt.messagesOn(Topics.power("phone-t"), io.testbed.protocol.PowerSampleBatch.class).get(0);
    assertThat(batch.meterId()).isEqualTo("phone-t-model");
    assertThat(batch.source()).isEqualTo(PowerSource.MODELLED);
    assertThat(batch.samples()).isNotEmpty().allMatch(s -> s.powerW() >= 0.6 - 1e-9);
    agent.close();
    List<State> states = mqtt.messagesOn(Topics.state("phone-t"), State.class);
    assertThat(states.get(states.size() - 1).status()).isEqualTo(DeviceStatus.OFFLINE);
    assertThat(mqtt.closed()).isTrue();
  }
}
