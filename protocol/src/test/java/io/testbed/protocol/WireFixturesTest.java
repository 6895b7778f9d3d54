package io.testbed.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One JSON fixture per wire message type: parse to the expected record, and serialise back to the same JSON tree. */
class WireFixturesTest {
  static final long T = 1764489600000000000L;

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("hello", new Hello(1, "phone-1", T, DeviceKind.PHONE, "phone", true,
            List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(800, 1400, 2000), 0.25, false),
                new ExecutionTarget("dsp", TargetKind.DSP, Precision.INT8, List.of(), 0.5, true)),
            List.of(new ModelInfo("mobilenet", "vision", List.of(Precision.FP32, Precision.INT8),
                new ModelFeatures(27, 1, 0, 300_000_000L, 4_000_000L, List.of(3L, 224L, 224L)))),
            List.of(new SensorInfo("soc", "temperature", "C")),
            Map.of("agent", "0.1.0", "onnxruntime", "1.29.0"), "http://127.0.0.1:9001",
            List.of("cpu cap not enforced: not root"))),
        Arguments.of("state", State.offline("phone-1", T)),
        Arguments.of("heartbeat", new Heartbeat(1, "phone-1", T + 1_000_000_000L, 7, 0.42, 1048576, 8388608, 41.5,
            PowerSource.MODELLED, -67.0, 0.25, 0.1)),
        Arguments.of("inference-command", new InferenceCommand(1, "phone-1", T + 2_000_000_000L, "job-1/3", "mobilenet",
            "offload", Precision.FP32, 1, 42, 2000, "cloud-1", "http://127.0.0.1:9001", 5000)),
        Arguments.of("inference-result", new InferenceResult(1, "phone-1", 1764489602100000000L, "job-1/3", "mobilenet",
            "offload", Precision.FP32, "cloud-1", 1, Outcome.OK, null, 23.5, 11.25, 12.0, 1764489602000100000L,
            1764489602023600000L, "9f86d081884c7d65", 0.0375, PowerSource.MODELLED, 602112L, 4000L)),
        Arguments.of("power-samples", new PowerSampleBatch(1, "phone-1", T + 3_000_000_000L, "phone-1-model",
            PowerSource.MODELLED, 100.0, List.of(new PowerSample(1764489602990000000L, 1.5, null, null),
                new PowerSample(T + 3_000_000_000L, 2.25, 3.8, 0.59)))),
        Arguments.of("error", new ErrorReply(1, "phone-1", T + 2_000_000_000L, "job-1/4", "unknown-model",
            "model 'vgg' is not in this device's zoo")),
        Arguments.of("set-interference", new SetInterference(1, "phone-1", T + 4_000_000_000L, "run-1/ev-2", 0.75, 0.25)),
        Arguments.of("set-network", new SetNetwork(1, "phone-1", T + 5_000_000_000L, "run-1/ev-3", "cloud-1", "wifi", -82.0,
            null, null, null, null)),
        Arguments.of("set-mode", new SetMode(1, "sensor-node-1", T + 6_000_000_000L, "run-2/ev-1", "far", "edge-box-1",
            "http://127.0.0.1:9002")),
        Arguments.of("control-ack", new ControlAck(1, "phone-1", T + 5_001_000_000L, "run-1/ev-3", true, null,
            Map.of("rateMbps", 6.5, "delayMs", 35.0))),
        Arguments.of("heartbeat-links", new Heartbeat(1, "sensor-node-1", T + 1_000_000_000L, 8, 0.5, 1048576, 8388608, 56.5,
            PowerSource.MODELLED, null, null, null, Map.of("cloud-1", -67.0, "edge-box-1", -45.0), "nsp")),
        Arguments.of("inference-result-metrics", new InferenceResult(1, "sensor-node-1", 1764489602100000000L, "run-2/7",
            "mobilenet", "cpu", Precision.FP32, "sensor-node-1", 1, Outcome.OK, null, 40.0, 38.0, null,
            1764489602000000000L, 1764489602040000000L, null, null, null, null, null, Map.of("psnrDb", 31.5, "agreement", 1.0))),
        Arguments.of("clock-probe", new ClockProbe(1, "phone-1", T + 7_000_000_000L, "clk-1-4")),
        Arguments.of("clock-echo", ClockEcho.of(new ClockProbe(1, "ina-1", T + 7_000_000_000L, "clk-1-4"),
            T + 7_000_300_000L, T + 7_000_350_000L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void parsesAndSerialisesFixture(String name, WireMessage expected) throws Exception {
    byte[] json;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/" + name + ".json")) {
      json = in.readAllBytes();
    }
    WireMessage parsed = WireCodec.decode(json);
    assertThat(parsed).isEqualTo(expected);

    JsonNode fixtureTree = WireCodec.mapper().readTree(json);
    JsonNode writtenTree = WireCodec.mapper().readTree(WireCodec.encode(expected));
    assertThat(writtenTree).isEqualTo(fixtureTree);
    assertThat(name).startsWith(writtenTree.get("type").asText());
  }
}
