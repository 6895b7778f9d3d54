package io.testbed.experiments.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec rules of AutoScale runs: injected timeline actions (ranges named), schedules, policy kinds and params. */
class AutoScaleSpecTest {

  private static final String BASE = """
      {"name": "a", "type": "autoscale", "devices": [{"id": "phone-1"}, {"id": "cloud-1"}], "models": ["mobilenet"],
       "policy": POLICY, "scenario": {"kind": "SingleStream", "maxQueryCount": 50}, "timeline": TIMELINE}
      """;

  private static List<String> problems(String policy, String timeline) {
    var p = SpecJson.parse(BASE.replace("POLICY", policy).replace("TIMELINE", timeline));
    return p.problems().stream().map(SpecProblem::toString).toList();
  }

  @Test
  void goodAutoScaleSpecValidates() {
    var p = SpecJson.parse(BASE.replace("POLICY",
        "{\"kind\": \"autoscale\", \"policies\": [\"cpu-only\", \"autoscale\", \"oracle\"], \"params\": {\"epsilon\": 0.05, \"profileRequests\": 2}}")
        .replace("TIMELINE", """
            [{"atMs": 0, "action": "interference", "device": "phone-1", "params": {"cpuLevel": 0.75}},
             {"atMs": 0, "action": "network", "device": "phone-1", "params": {"link": "cloud-1", "technology": "wifi", "rssiDbm": -50}},
             {"atMs": 10, "action": "network", "device": "phone-1", "params": {"link": "*", "schedule":
               {"kind": "steps", "steps": [{"afterMs": 0, "rssiDbm": -90}, {"afterMs": 500, "rssiDbm": -50}]}}}]
            """));
    assertThat(p.problems()).isEmpty();
    assertThat(AutoScaleSpecRules.policies(p.spec())).containsExactly("cpu-only", "autoscale", "oracle");
    assertThat(AutoScaleSpecRules.autoscale(p.spec())).isTrue();
  }

  @Test
  void outOfRangeInjectionsNameTheAllowedRange() {
    assertThat(problems("{\"kind\": \"autoscale\"}", """
        [{"atMs": 0, "action": "interference", "device": "phone-1", "params": {"cpuLevel": 1.5, "noise": 1}},
         {"atMs": 0, "action": "network", "device": "phone-1", "params": {"rssiDbm": 5, "delayMs": 20000, "lossPct": 60,
           "rateMbps": 0, "technology": "5g"}},
         {"atMs": 0, "action": "network", "params": {}},
         {"atMs": 0, "action": "network", "device": "phone-1", "params": {"schedule": {"kind": "trace"}}}]
        """)).containsExactlyInAnyOrder(
        "timeline[0].params.noise: unknown field (allowed: cpuLevel, memoryLevel)",
        "timeline[0].params.cpuLevel: 1.5 is out of range: allowed [0, 1]",
        "timeline[1].params.technology: must be one of wifi|lte",
        "timeline[1].params.rssiDbm: 5 is out of range: allowed [-120, 0] dBm",
        "timeline[1].params.delayMs: 20000 is out of range: allowed [0, 10000] ms",
        "timeline[1].params.rateMbps: 0 is out of range: allowed [0.01, 1000] Mb/s",
        "timeline[1].params.lossPct: 60 is out of range: allowed [0, 50] %",
        "timeline[2].device: is required for network",
        "timeline[2].params: set at least one of rssiDbm, delayMs, jitterMs, rateMbps, lossPct, or a schedule",
        "timeline[3].params.schedule.kind: trace replay runs on the device (agent testbed.agent.network.schedules);"
            + " the timeline sends constant, steps, random-walk or markov");
  }

  @Test
  void policyKindsAndParamsAreChecked() {
    assertThat(problems("{\"kind\": \"fixed\", \"target\": \"cpu\"}", "[]"))
        .containsExactly("policy.kind: type autoscale needs one of cpu-only|gpu-only|dsp-only|edge-only|cloud-only|best-static|autoscale|oracle");
    assertThat(problems("{\"kind\": \"autoscale\", \"policies\": [\"autoscale\", \"magic\", \"autoscale\"],"
        + " \"params\": {\"alpha\": 2, \"epsilon\": 0.1, \"epsilonMin\": 0.2, \"bogus\": 1, \"persist\": 3}}", "[]"))
        .contains("policy.policies[1]: unknown policy 'magic' (allowed: cpu-only|gpu-only|dsp-only|edge-only|cloud-only|best-static|autoscale|oracle)",
            "policy.policies[2]: 'autoscale' is listed twice",
            "policy.params.alpha: 2 is out of range: allowed [0.000000001, 1]".replace("0.000000001", "1.0E-9"),
            "policy.params.epsilonMin: must be <= epsilon",
            "policy.params.persist: must be true or false")
        .anyMatch(s -> s.startsWith("policy.params.bogus: unknown parameter (allowed: "));
    String inference = BASE.replace("\"type\": \"autoscale\"", "\"type\": \"inference\"")
        .replace("POLICY", "{\"kind\": \"oracle\"}").replace("TIMELINE", "[]");
    assertThat(SpecJson.parse(inference).problems().stream().map(SpecProblem::toString))
        .containsExactly("policy.kind: oracle needs the exhaustive profile of type autoscale");
  }

  @Test
  void schedulesExpandToSeededSteps() throws Exception {
    JsonNode steps = SpecJson.mapper().readTree("""
        {"link": "cloud-1", "schedule": {"kind": "steps", "steps": [{"afterMs": 0, "rssiDbm": -90}, {"afterMs": 500, "rssiDbm": -50}]}}""");
    assertThat(TimelineControls.networkSteps(steps, 1)).extracting(s -> s.afterMs() + ":" + s.setting().rssiDbm())
        .containsExactly("0:-90.0", "500:-50.0");
    JsonNode walk = SpecJson.mapper().readTree("""
        {"link": "cloud-1", "schedule": {"kind": "random-walk", "minDbm": -95, "maxDbm": -45, "stepDbm": 10,
          "intervalMs": 100, "durationMs": 1000, "seed": 7}}""");
    List<TimelineControls.Step> a = TimelineControls.networkSteps(walk, 1);
    assertThat(a).hasSize(10).allMatch(s -> s.setting().rssiDbm() >= -95 && s.setting().rssiDbm() <= -45);
    assertThat(a).isEqualTo(TimelineControls.networkSteps(walk, 99));
    assertThat(a.stream().map(s -> s.setting().rssiDbm()).distinct().count()).isGreaterThan(3);
    JsonNode markov = SpecJson.mapper().readTree("""
        {"link": "cloud-1", "schedule": {"kind": "markov", "levelsDbm": [-50, -90], "transitions": [[0, 1], [1, 0]],
          "intervalMs": 100, "durationMs": 400}}""");
    assertThat(TimelineControls.networkSteps(markov, 3)).extracting(s -> s.setting().rssiDbm())
        .containsExactly(-50.0, -90.0, -50.0, -90.0);
    JsonNode plain = SpecJson.mapper().readTree("{\"rssiDbm\": -70, \"technology\": \"lte\"}");
    assertThat(TimelineControls.networkSteps(plain, 1)).containsExactly(new TimelineControls.Step(0,
        new TimelineControls.NetworkSetting("*", "lte", -70.0, null, null, null, null)));
    assertThat(TimelineControls.interference(SpecJson.mapper().readTree("{\"cpuLevel\": 0.5}")))
        .isEqualTo(new TimelineControls.Interference(0.5, 0));
  }
}
