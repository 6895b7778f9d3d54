package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.protocol.Precision;
import io.testbed.protocol.TargetKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Value types refuse bad input with a message naming the field. */
class ValuesTest {

  @ParameterizedTest(name = "cpu {0}, mem {1} -> {2}")
  @CsvSource({"-0.1, 0, coRunnerCpu", "1.1, 0, coRunnerCpu", "NaN, 0, coRunnerCpu", "0, 2, memoryPressure",
      "0, NaN, memoryPressure"})
  void conditionRefusesOutOfRangeLoads(double cpu, double mem, String field) {
    assertThatThrownBy(() -> new Observation.Condition(cpu, mem, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(field);
  }

  @Test
  void conditionRefusesNonFiniteRssiAndNamesTheLink() {
    Map<String, Double> m = new HashMap<>();
    m.put("cloud-1", Double.NEGATIVE_INFINITY);
    assertThatThrownBy(() -> new Observation.Condition(0, 0, m)).hasMessage("linkRssiDbm.cloud-1 must be finite, was -Infinity");
    assertThat(new Observation.Condition(0.5, 0, Map.of("b", -90.0, "a", -60.5)).name())
        .isEqualTo("cpu=0.5 mem=0 rssi[a]=-60.5 rssi[b]=-90");
  }

  @ParameterizedTest(name = "{0} ms, {1} J, acc {2} -> {3}")
  @CsvSource({"-1, 0, 0.5, latencyMs", "Infinity, 0, 0.5, latencyMs", "1, -0.1, 0.5, energyJ", "1, NaN, 0.5, energyJ",
      "1, 1, 1.5, accuracy"})
  void outcomeRefusesBadMeasurements(double lat, double j, double acc, String field) {
    assertThatThrownBy(() -> new RequestOutcome(lat, j, acc, true)).hasMessageStartingWith(field);
  }

  @Test
  void actionIdsAndRefusals() {
    assertThat(new Action.Local("cpu", TargetKind.CPU, Precision.FP32, 1800).id()).isEqualTo("cpu@1800");
    assertThat(new Action.Local("npu", TargetKind.NPU, Precision.INT8, null).id()).isEqualTo("npu");
    assertThat(new Action.Edge("e", Precision.FP32).commandTarget()).isEqualTo("offload");
    assertThatThrownBy(() -> new Action.Local("cpu", TargetKind.CPU, Precision.FP32, 0)).hasMessageContaining("dvfsMHz");
    assertThatThrownBy(() -> new Action.Cloud(" ", Precision.FP32)).hasMessageContaining("peerId");
  }

  @Test
  void stateKeyLinksMustBeSorted() {
    assertThatThrownBy(() -> new StateKey(0, 0, 0, 0, 0, 0,
        List.of(new StateKey.LinkBin("b", 0), new StateKey.LinkBin("a", 0)))).hasMessageContaining("sorted");
  }

  @Test
  void criterionRefusals() {
    assertThatThrownBy(() -> new ConvergenceCriterion(0, 0.8, 0)).hasMessageContaining("window");
    assertThatThrownBy(() -> new ConvergenceCriterion(5, 0, 0)).hasMessageContaining("share");
    assertThatThrownBy(() -> new ConvergenceCriterion(5, 0.8, -1)).hasMessageContaining("energyTolerance");
  }
}
