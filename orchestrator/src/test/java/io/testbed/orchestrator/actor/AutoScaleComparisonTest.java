package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.orchestrator.policy.autoscale.AutoScaleSettings;
import io.testbed.orchestrator.policy.autoscale.Observation;
import io.testbed.orchestrator.policy.autoscale.PolicyReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The pure parts of an AutoScale run: settings from the spec, the commanded conditions of the timeline, the headline. */
class AutoScaleComparisonTest {

  static ExperimentSpec spec(String scenario, String params, String timeline, String qos) {
    String json = """
        {"name":"a","type":"autoscale","devices":[{"id":"phone-1"},{"id":"cloud-1"}],"models":["mobilenet"],
         "policy":{"kind":"autoscale","params":PARAMS},"scenario":SCENARIO,"timeline":TIMELINE QOS}"""
        .replace("PARAMS", params).replace("SCENARIO", scenario).replace("TIMELINE", timeline).replace("QOS", qos);
    var p = SpecJson.parse(json);
    assertThat(p.problems()).isEmpty();
    return p.spec();
  }

  static final String SINGLE = "{\"kind\":\"SingleStream\"}";

  @Test
  void settingsComeFromParamsAndQos() {
    AutoScaleSettings s = AutoScaleComparison.settings(spec(SINGLE,
        "{\"alpha\":0.5,\"epsilon\":0.2,\"epsilonDecay\":0.99,\"violationPenalty\":3,\"rssiWeakDbm\":-70}", "[]", ""));
    assertThat(s.learning().alpha()).isEqualTo(0.5);
    assertThat(s.learning().epsilon()).isEqualTo(0.2);
    assertThat(s.learning().epsilonDecay()).isEqualTo(0.99);
    assertThat(s.learning().gamma()).isEqualTo(AutoScaleSettings.defaults().learning().gamma());
    assertThat(s.objective().violationPenalty()).isEqualTo(3);
    assertThat(s.objective().qosLatencyMs()).isEqualTo(50);
    assertThat(s.bins().signature()).isNotEqualTo(AutoScaleSettings.defaults().bins().signature()).contains("rssi:");
    assertThat(s.bins().rssiDbm().upperBounds()).containsExactly(-70.0);
    ExperimentSpec streaming = spec("{\"kind\":\"Server\",\"targetQps\":30,\"latencyBoundMs\":33}", "{}", "[]", "");
    assertThat(AutoScaleComparison.settings(streaming).objective().qosLatencyMs()).isEqualTo(33);
    ExperimentSpec withQos = spec(SINGLE, "{}", "[]", ",\"qos\":{\"latencyMs\":80,\"accuracy\":0.7}");
    assertThat(AutoScaleComparison.settings(withQos).objective().qosLatencyMs()).isEqualTo(80);
    assertThat(AutoScaleComparison.settings(withQos).objective().accuracyTarget()).isEqualTo(0.7);
    assertThat(AutoScaleComparison.controlTimeout(spec(SINGLE, "{\"controlTimeoutMs\":1500}", "[]", "")).toMillis())
        .isEqualTo(1500);
  }

  @Test
  void timelineGivesTheCommandedConditions() {
    ExperimentSpec s = spec(SINGLE, "{}", """
        [{"atMs":0,"action":"interference","device":"phone-1","params":{"cpuLevel":0}},
         {"atMs":0,"action":"network","device":"phone-1","params":{"link":"*","rssiDbm":-55}},
         {"atMs":1000,"action":"network","device":"phone-1","params":{"link":"cloud-1","schedule":
           {"kind":"steps","steps":[{"afterMs":0,"rssiDbm":-90},{"afterMs":500,"rssiDbm":-55}]}}},
         {"atMs":2000,"action":"interference","device":"phone-1","params":{"cpuLevel":0.75}},
         {"atMs":2500,"action":"interference","device":"other","params":{"cpuLevel":0.5}},
         {"atMs":3000,"action":"marker","device":"phone-1"}]""", "");
    List<AutoScaleComparison.TimedCondition> t = AutoScaleComparison.conditions(s, "phone-1", List.of("cloud-1", "edge-1"), 1);
    assertThat(t).extracting(AutoScaleComparison.TimedCondition::atMs).containsExactly(0L, 1000L, 1500L, 2000L);
    assertThat(t.get(0).condition()).isEqualTo(new Observation.Condition(0, 0, Map.of("cloud-1", -55.0, "edge-1", -55.0)));
    assertThat(t.get(1).condition()).isEqualTo(new Observation.Condition(0, 0, Map.of("cloud-1", -90.0, "edge-1", -55.0)));
    assertThat(t.get(2).condition()).isEqualTo(t.get(0).condition());
    assertThat(t.get(3).condition()).isEqualTo(new Observation.Condition(0.75, 0, Map.of("cloud-1", -55.0, "edge-1", -55.0)));
    // no action at 0: the run starts from no interference and unknown links
    ExperimentSpec late = spec(SINGLE, "{}",
        "[{\"atMs\":500,\"action\":\"interference\",\"device\":\"phone-1\",\"params\":{\"cpuLevel\":0.5}}]", "");
    assertThat(AutoScaleComparison.conditions(late, "phone-1", List.of("cloud-1"), 1)).containsExactly(
        new AutoScaleComparison.TimedCondition(0, new Observation.Condition(0, 0, Map.of())),
        new AutoScaleComparison.TimedCondition(500, new Observation.Condition(0.5, 0, Map.of())));
  }

  @Test
  void headlinePutsAutoScaleBesideThePaper() {
    Map<String, PolicyReport> r = new LinkedHashMap<>();
    r.put("cpu-only", report("cpu-only", 10));
    r.put("cloud-only", report("cloud-only", 50));
    r.put("autoscale", report("autoscale", 95));
    r.put("oracle", report("oracle", 100));
    assertThat(AutoScaleComparison.headline(r)).containsExactly(
        "AutoScale vs CPU-only: 9.50x inferences per joule (paper: 9.8x)",
        "AutoScale vs cloud-only: 1.90x inferences per joule (paper: 1.6x)",
        "AutoScale efficiency as a share of the oracle's: 95.0% (goal >= 95%); QoS violations 2.0% (goal <= 5%)");
    r.remove("autoscale");
    assertThat(AutoScaleComparison.headline(r)).isEmpty();
  }

  static PolicyReport report(String name, double ipj) {
    return new PolicyReport(name, 100, 100, 100 / ipj, ipj, ipj / 10, 0.02, Double.NaN, 0.5, 0.5, OptionalInt.of(20), 0);
  }
}
