package io.testbed.experiments.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.Scenario;
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
import org.junit.jupiter.api.Test;

class SpecResolverTest {
  static Hello hello(String id, DeviceKind kind, List<String> targets, List<String> models, String endpoint) {
    List<ExecutionTarget> ts = targets.stream().map(t -> new ExecutionTarget(t, t.equals("gpu") ? TargetKind.GPU
        : t.equals("dsp") ? TargetKind.DSP : TargetKind.CPU, t.equals("dsp") ? Precision.INT8 : Precision.FP32,
        List.of(), 1.0, false)).toList();
    List<ModelInfo> ms = models.stream().map(m -> new ModelInfo(m, "vision", List.of(Precision.FP32),
        new ModelFeatures(10, 1, 0, 1000, 4000, List.of(3L, 224L, 224L)))).toList();
    return new Hello(SchemaVersion.CURRENT, id, 1, kind, kind.wireName(), true, ts, ms, List.of(),
        Map.of("agent", "0.1.0"), endpoint, List.of());
  }

  static final List<Hello> CATALOGUE = List.of(
      hello("phone-1", DeviceKind.PHONE, List.of("cpu", "gpu", "dsp"), List.of("mobilenet", "resnet"), null),
      hello("phone-2", DeviceKind.PHONE, List.of("cpu"), List.of("mobilenet"), null),
      hello("cloud-1", DeviceKind.CLOUD, List.of("cpu"), List.of("mobilenet", "mlp"), "http://127.0.0.1:9000"),
      hello("edge-box-1", DeviceKind.EDGE, List.of("cpu"), List.of("mobilenet"), null));

  private static ExperimentSpec spec(List<DeviceSelector> devices, List<String> models, PolicySpec policy,
      List<TimelineEvent> timeline) {
    return new ExperimentSpec("x", "inference", devices, models, null, policy, ScenarioSpec.of(Scenario.SINGLE_STREAM),
        null, timeline, null, null);
  }

  @Test
  void resolvesIdsAndKindsWithoutTakingADeviceTwice() {
    SpecResolver.Resolution r = SpecResolver.resolve(spec(
        List.of(DeviceSelector.byKind(DeviceKind.PHONE, 1), DeviceSelector.byId("phone-1")), List.of("mobilenet"),
        PolicySpec.fixed("cpu"), null), CATALOGUE);
    assertThat(r.problems()).isEmpty();
    assertThat(r.devices()).extracting(Hello::deviceId).containsExactly("phone-2", "phone-1");
  }

  @Test
  void namesUnknownDevicesModelsAndTargets() {
    SpecResolver.Resolution r = SpecResolver.resolve(spec(
        List.of(DeviceSelector.byId("phone-9"), DeviceSelector.byId("phone-2"), DeviceSelector.byKind(DeviceKind.SENSOR, 2)),
        List.of("mobilenet", "resnet", "gpt"), PolicySpec.fixed("gpu"),
        List.of(new TimelineEvent(10, "network", "router-7", null, null))), CATALOGUE);
    assertThat(r.ok()).isFalse();
    assertThat(r.unknownDevices()).containsExactly("phone-9", "sensor x2", "router-7");
    assertThat(r.unknownModels()).containsExactly("gpt");
    assertThat(r.unknownTargets()).containsExactly("phone-2:gpu");
    assertThat(r.unknownNames()).hasSize(5);
    assertThat(r.problems()).extracting(SpecProblem::toString).containsExactlyInAnyOrder(
        "devices[0].id: unknown device 'phone-9'",
        "devices[2]: asks for 2 sensor device(s) but 0 more are available",
        "policy.target: device 'phone-2' has no target 'gpu' (has: cpu)",
        "models[1]: device 'phone-2' has no model 'resnet'",
        "models[2]: unknown model 'gpt' (no device has it)",
        "timeline[0].device: unknown device 'router-7'");
  }

  @Test
  void offloadNeedsAKnownPeerWithAnEndpointAndTheModel() {
    SpecResolver.Resolution ok = SpecResolver.resolve(spec(List.of(DeviceSelector.byId("phone-1")), List.of("mobilenet"),
        new PolicySpec("fixed", "offload", "cloud-1"), null), CATALOGUE);
    assertThat(ok.problems()).isEmpty();
    assertThat(ok.offloadPeer().deviceId()).isEqualTo("cloud-1");

    SpecResolver.Resolution noEndpoint = SpecResolver.resolve(spec(List.of(DeviceSelector.byId("phone-1")),
        List.of("resnet"), new PolicySpec("fixed", "offload", "edge-box-1"), null), CATALOGUE);
    assertThat(noEndpoint.problems()).extracting(SpecProblem::toString).containsExactlyInAnyOrder(
        "policy.offloadTo: device 'edge-box-1' accepts no offloaded requests (its hello has no endpoint)",
        "models[0]: device 'edge-box-1' has no model 'resnet'");

    SpecResolver.Resolution unknown = SpecResolver.resolve(spec(List.of(DeviceSelector.byId("phone-1")),
        List.of("mobilenet"), new PolicySpec("fixed", "offload", "cloud-9"), null), CATALOGUE);
    assertThat(unknown.unknownDevices()).containsExactly("cloud-9");
  }
}
