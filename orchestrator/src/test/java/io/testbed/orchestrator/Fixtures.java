package io.testbed.orchestrator;

import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SensorInfo;
import io.testbed.protocol.TargetKind;
import java.util.List;
import java.util.Map;

/** Wire messages of a plausible phone and cloud server, for tests. */
public final class Fixtures {
  private Fixtures() {}

  public static final long T0 = 1_780_000_000_000_000_000L;

  public static Hello phoneHello(String id) {
    return new Hello(SchemaVersion.CURRENT, id, T0, DeviceKind.PHONE, "phone", true,
        List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(1000, 2000), 1.0, false),
            new ExecutionTarget("dsp", TargetKind.DSP, Precision.INT8, List.of(), 2.0, true)),
        List.of(new ModelInfo("mobilenet", "vision", List.of(Precision.FP32, Precision.INT8),
            new ModelFeatures(10, 1, 0, 300_000_000L, 4_000_000L, List.of(3L, 224L, 224L)))),
        List.of(new SensorInfo("cpu-thermal", "temperature", "C")),
        Map.of("agent", "0.1.0"), null, List.of("emulated"));
  }

  /** A phone that also advertises a model named {@code broken}, which {@link FakeDevice} answers with an error reply. */
  public static Hello phoneHelloWithBrokenModel(String id) {
    return phoneHelloWithExtraModel(id, "broken");
  }

  /** A phone that also advertises {@code model} ({@link FakeDevice} never answers a model named {@code silent}). */
  public static Hello phoneHelloWithExtraModel(String id, String model) {
    Hello h = phoneHello(id);
    List<ModelInfo> models = new java.util.ArrayList<>(h.models());
    models.add(new ModelInfo(model, "vision", List.of(Precision.FP32), h.models().get(0).features()));
    return new Hello(h.schemaVersion(), id, h.timestampNs(), h.kind(), h.profile(), h.emulated(), h.targets(), models,
        h.sensors(), h.software(), h.endpoint(), h.notes());
  }

  public static Hello cloudHello(String id, String endpoint) {
    return new Hello(SchemaVersion.CURRENT, id, T0, DeviceKind.CLOUD, "cloud-server", true,
        List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(), 4.0, false)),
        List.of(new ModelInfo("mobilenet", "vision", List.of(Precision.FP32),
            new ModelFeatures(10, 1, 0, 300_000_000L, 4_000_000L, List.of(3L, 224L, 224L)))),
        List.of(), Map.of(), endpoint, List.of());
  }

  public static Heartbeat heartbeat(String id, long seq) {
    return new Heartbeat(SchemaVersion.CURRENT, id, T0 + seq * 1_000_000_000L, seq, 0.25, 1_000_000L, 4_000_000L, 41.5,
        PowerSource.MODELLED, -60.0, 0.0, 0.0);
  }

  /** The result a well-behaved device sends for a command. */
  public static InferenceResult okResult(InferenceCommand c, double latencyMs) {
    long start = c.timestampNs();
    long end = start + (long) (latencyMs * 1e6);
    return new InferenceResult(SchemaVersion.CURRENT, c.deviceId(), end, c.correlationId(), c.model(), c.target(),
        c.precision(), c.offloaded() ? c.offloadDeviceId() : c.deviceId(), c.batchSize(), Outcome.OK, null, latencyMs,
        latencyMs * 0.8, c.offloaded() ? 1.0 : null, start, end, "abcd", 0.05, PowerSource.MODELLED, 1000L, 2000L);
  }
}
