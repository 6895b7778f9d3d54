package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.TargetKind;
import java.util.List;
import java.util.Map;

/** Hellos of a phone with CPU (3 DVFS levels), GPU and DSP, and of its peers, for AutoScale tests. */
final class AutoScaleFixtures {
  private AutoScaleFixtures() {}

  static final long T0 = 1_780_000_000_000_000_000L;
  static final ModelFeatures MOBILENET = new ModelFeatures(28, 1, 0, 300_000_000L, 14_000_000L, List.of(3L, 224L, 224L));
  static final ModelFeatures RESNET = new ModelFeatures(53, 1, 0, 4_100_000_000L, 100_000_000L, List.of(3L, 224L, 224L));

  static Hello phone(String id) {
    return new Hello(SchemaVersion.CURRENT, id, T0, DeviceKind.PHONE, "phone", true,
        List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(1800, 600, 1200), 1.0, false),
            new ExecutionTarget("gpu", TargetKind.GPU, Precision.FP32, List.of(), 2.0, true),
            new ExecutionTarget("dsp", TargetKind.DSP, Precision.INT8, List.of(), 2.5, true)),
        List.of(model("mobilenet", MOBILENET, Precision.FP32, Precision.INT8), model("fp32only", RESNET, Precision.FP32)),
        List.of(), Map.of(), null, List.of());
  }

  static Hello peer(String id, DeviceKind kind, String endpoint, String... models) {
    return new Hello(SchemaVersion.CURRENT, id, T0, kind, kind.wireName(), true,
        List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(), 4.0, false)),
        java.util.Arrays.stream(models).map(m -> model(m, MOBILENET, Precision.FP32)).toList(),
        List.of(), Map.of(), endpoint, List.of());
  }

  static ModelInfo model(String name, ModelFeatures f, Precision... precisions) {
    return new ModelInfo(name, "vision", List.of(precisions), f);
  }

  /** The phone's actions for mobilenet with an edge box and a cloud server. */
  static ActionSpace phoneSpace(AccuracyMask mask) {
    return ActionSpace.from(phone("phone-1"),
        List.of(peer("edge-1", DeviceKind.EDGE, "http://edge-1:8500", "mobilenet"),
            peer("cloud-1", DeviceKind.CLOUD, "http://cloud-1:8500", "mobilenet")),
        "mobilenet", mask);
  }
}
