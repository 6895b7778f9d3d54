package io.testbed.orchestrator.policy.autoscale;

import static io.testbed.orchestrator.policy.autoscale.AutoScaleFixtures.peer;
import static io.testbed.orchestrator.policy.autoscale.AutoScaleFixtures.phone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.Precision;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionSpaceTest {

  @Test
  void targetsTimesDvfsLevelsThenEdgeThenCloudPeers() {
    ActionSpace s = ActionSpace.from(phone("phone-1"), List.of(
            peer("cloud-1", DeviceKind.CLOUD, "http://c1", "mobilenet"),
            peer("edge-2", DeviceKind.EDGE, "http://e2", "mobilenet"),
            peer("edge-1", DeviceKind.EDGE, "http://e1", "mobilenet"),
            peer("edge-3", DeviceKind.EDGE, null, "mobilenet"),         // no endpoint
            peer("cloud-2", DeviceKind.CLOUD, "http://c2", "resnet"),   // lacks the model
            peer("phone-2", DeviceKind.PHONE, "http://p2", "mobilenet"), // not edge/cloud
            peer("phone-1", DeviceKind.EDGE, "http://self", "mobilenet")), // itself
        "mobilenet", AccuracyMask.none());
    assertThat(s.ids()).containsExactly(
        "cpu@600", "cpu@1200", "cpu@1800", "gpu", "dsp", "edge:edge-1", "edge:edge-2", "cloud:cloud-1");
    assertThat(s.links()).containsExactly("cloud-1", "edge-1", "edge-2");
    assertThat(s.get(0)).isEqualTo(new Action.Local("cpu", io.testbed.protocol.TargetKind.CPU, Precision.FP32, 600));
    assertThat(s.get(4).precision()).isEqualTo(Precision.INT8);
  }

  @ParameterizedTest(name = "{0}: target {1}, offloadTo {2}, dvfs {3}")
  @CsvSource({
      "cpu@1200, cpu, , 1200",
      "gpu, gpu, , ",
      "dsp, dsp, , ",
      "edge:edge-1, offload, edge-1, ",
      "cloud:cloud-1, offload, cloud-1, "})
  void actionsMapOntoInferenceCommands(String id, String target, String offloadTo, Integer dvfs) {
    Action a = AutoScaleFixtures.phoneSpace(AccuracyMask.none()).get(
        AutoScaleFixtures.phoneSpace(AccuracyMask.none()).indexOf(id));
    assertThat(a.commandTarget()).isEqualTo(target);
    assertThat(a.offloadTo()).isEqualTo(offloadTo);
    assertThat(a.dvfsLevelMHz()).isEqualTo(dvfs);
  }

  @Test
  void aModelWithoutTheTargetsPrecisionLeavesTheTargetOut() {
    ActionSpace s = ActionSpace.from(phone("phone-1"), List.of(), "fp32only", AccuracyMask.none());
    assertThat(s.ids()).containsExactly("cpu@600", "cpu@1200", "cpu@1800", "gpu");
    assertThat(s.links()).isEmpty();
  }

  @Test
  void accuracyMaskByPrecision() {
    ActionSpace s = AutoScaleFixtures.phoneSpace(
        AccuracyMask.byPrecision(Map.of(Precision.FP32, 0.72, Precision.INT8, 0.68), 0.70));
    assertThat(s.meetsAccuracy(s.indexOf("dsp"))).isFalse();
    assertThat(s.meetsAccuracy(s.indexOf("gpu"))).isTrue();
    assertThat(s.meetsAccuracy(s.indexOf("cloud:cloud-1"))).isTrue();
    ActionSpace byId = AutoScaleFixtures.phoneSpace(AccuracyMask.failing(Set.of("gpu")));
    assertThat(byId.meetsAccuracy(byId.indexOf("gpu"))).isFalse();
    assertThat(byId.meetsAccuracy(byId.indexOf("dsp"))).isTrue();
  }

  @Test
  void unavailableByActionOrPeerKeepsIndices() {
    ActionSpace s = AutoScaleFixtures.phoneSpace(AccuracyMask.none());
    ActionSpace u = s.withUnavailable(List.of("cloud-1", "gpu"));
    assertThat(u.sameActionsAs(s)).isTrue();
    assertThat(u.ids()).isEqualTo(s.ids());
    assertThat(u.available(s.indexOf("cloud:cloud-1"))).isFalse();
    assertThat(u.available(s.indexOf("gpu"))).isFalse();
    assertThat(u.available(s.indexOf("edge:edge-1"))).isTrue();
    assertThat(s.available(s.indexOf("gpu"))).isTrue();
  }

  @Test
  void refusals() {
    assertThatThrownBy(() -> ActionSpace.from(phone("phone-1"), List.of(), "nope", AccuracyMask.none()))
        .hasMessage("model 'nope' is not on device 'phone-1'");
    assertThatThrownBy(() -> ActionSpace.of(List.of(new Action.Edge("e", Precision.FP32),
        new Action.Edge("e", Precision.INT8)), AccuracyMask.none())).hasMessageContaining("duplicate id 'edge:e'");
    ActionSpace s = AutoScaleFixtures.phoneSpace(AccuracyMask.none());
    assertThatThrownBy(() -> s.indexOf(new Action.Cloud("cloud-9", Precision.FP32))).hasMessageContaining("cloud:cloud-9");
    assertThat(s.indexOf("cloud:cloud-9")).isEqualTo(-1);
  }
}
