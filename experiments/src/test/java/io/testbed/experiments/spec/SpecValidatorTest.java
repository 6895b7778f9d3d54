package io.testbed.experiments.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.Scenario;
import io.testbed.protocol.DeviceKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private static List<String> problems(String json) {
    var p = SpecJson.parse(json);
    assertThat(p.spec()).isNull();
    return p.problems().stream().map(SpecProblem::toString).toList();
  }

  private static final String GOOD = """
      {"name": "n", "type": "inference", "devices": [{"id": "phone-1"}], "models": ["mobilenet"],
       "policy": {"kind": "fixed", "target": "cpu"}, "scenario": {"kind": "SingleStream"}}
      """;

  @Test
  void minimalSpecIsValidAndBinds() {
    var p = SpecJson.parse(GOOD);
    assertThat(p.problems()).isEmpty();
    assertThat(p.spec().scenario().kind()).isEqualTo(Scenario.SINGLE_STREAM);
    assertThat(p.spec().devices()).containsExactly(DeviceSelector.byId("phone-1"));
    assertThat(SpecValidator.validate(p.spec())).isEmpty();
  }

  @Test
  void reportsEveryProblemAtOnceWithItsPath() {
    List<String> found = problems("""
        {"name": "", "type": "thermal-ish", "devices": [{"id": "phone-1"}, {"kind": "toaster", "count": 0},
           {"id": "phone-1"}, {"id": "a", "kind": "phone"}],
         "models": [],
         "policy": {"kind": "fixed", "target": "offload"},
         "scenario": {"kind": "Server", "targetQps": -5, "samplesPerQuery": 4, "minDurationMs": 5000,
                      "maxDurationMs": 1000, "confidence": 1.5, "targetQPS": 3},
         "repetitions": {"count": 2, "seeds": [1, 2, 2]},
         "timeline": [{"atMs": -1, "action": " "}, {"atMs": 2000, "action": "network", "params": 3}],
         "qos": {"accuracy": 2},
         "onDeviceLoss": "explode"}
        """);
    assertThat(found).containsExactlyInAnyOrder(
        "name: must not be blank",
        "type: unknown type 'thermal-ish' (allowed: inference|autoscale)",
        "devices[1].kind: unknown device kind 'toaster' (expected phone|edge|sensor|cloud)",
        "devices[1].count: must be >= 1",
        "devices[2].id: duplicate device 'phone-1' (also devices[0])",
        "devices[3]: give either id or kind, not both",
        "models: must not be empty",
        "policy.offloadTo: is required when target is offload",
        "scenario.targetQPS: unknown field (allowed: kind, mode, samplesPerQuery, targetQps, latencyBoundMs, "
            + "targetLatencyPercentile, minDurationMs, minQueryCount, maxDurationMs, maxQueryCount, offlineSamples, "
            + "datasetSamples, queryTimeoutMs, maxFailedFraction, earlyStopping, confidence, querySize)",
        "scenario.targetQps: must be > 0",
        "scenario.maxDurationMs: must be >= minDurationMs (5000)",
        "scenario.confidence: must be > 0 and < 1",
        "scenario.latencyBoundMs: is required for Server (must be > 0)",
        "scenario.samplesPerQuery: must be 1 for Server",
        "repetitions.seeds[2]: duplicate seed 2",
        "repetitions.count: is 2 but 3 seeds are given",
        "timeline[0].atMs: must be >= 0",
        "timeline[0].action: must not be blank",
        "timeline[1].atMs: is after scenario.maxDurationMs (1000): it would never fire",
        "timeline[1].params: must be an object",
        "qos.accuracy: must be in [0, 1]",
        "onDeviceLoss: must be continue|abort, was 'explode'");
  }

  @Test
  void missingSectionsAndWrongTypesAreNamed() {
    assertThat(problems("{\"name\": 5}")).containsExactlyInAnyOrder(
        "name: must be a string",
        "type: is required",
        "devices: is required (a non-empty list of {id} or {kind, count})",
        "models: is required (a non-empty list of model names)",
        "policy: is required, e.g. {\"kind\": \"fixed\", \"target\": \"cpu\"}",
        "scenario: is required, e.g. {\"kind\": \"SingleStream\"}");
    assertThat(problems("[1]")).containsExactly("$: must be a JSON object");
    assertThat(problems("{oops")).singleElement().asString().startsWith("$: not valid JSON");
    assertThat(problems(GOOD.replace("\"kind\": \"SingleStream\"", "\"kind\": \"Batch\", \"minQueryCount\": \"many\"")))
        .containsExactlyInAnyOrder(
            "scenario.kind: unknown scenario 'Batch' (allowed: SingleStream|MultiStream|Server|Offline)",
            "scenario.minQueryCount: must be an integer");
  }

  @Test
  void perScenarioFieldsAreChecked() {
    assertThat(problems(GOOD.replace("\"kind\": \"SingleStream\"",
        "\"kind\": \"SingleStream\", \"targetQps\": 5, \"samplesPerQuery\": 8, \"offlineSamples\": 10")))
        .containsExactlyInAnyOrder(
            "scenario.targetQps: only applies to Server, not SingleStream",
            "scenario.offlineSamples: only applies to Offline, not SingleStream",
            "scenario.samplesPerQuery: must be 1 for SingleStream (use MultiStream for more)");
    assertThat(problems(GOOD.replace("\"kind\": \"SingleStream\"",
        "\"kind\": \"Offline\", \"samplesPerQuery\": 8, \"latencyBoundMs\": 10")))
        .containsExactlyInAnyOrder(
            "scenario.samplesPerQuery: does not apply to Offline (use offlineSamples)",
            "scenario.latencyBoundMs: does not apply to Offline");
    assertThat(SpecJson.parse(GOOD.replace("\"kind\": \"SingleStream\"",
        "\"kind\": \"MultiStream\", \"samplesPerQuery\": 4, \"latencyBoundMs\": 80")).problems()).isEmpty();
  }

  @Test
  void policyAndRepetitionRules() {
    assertThat(problems(GOOD.replace("\"target\": \"cpu\"", "\"target\": \"cpu\", \"offloadTo\": \"cloud-1\"")))
        .containsExactly("policy.offloadTo: only applies when target is offload");
    assertThat(problems(GOOD.replace("\"kind\": \"fixed\", \"target\": \"cpu\"", "\"kind\": \"autoscale-ish\"")))
        .containsExactly("policy.kind: unknown policy 'autoscale-ish' (allowed: fixed|cpu-only|gpu-only|dsp-only|edge-only|"
            + "cloud-only|best-static|autoscale|oracle)");
    assertThat(problems(GOOD.replace("\"target\": \"cpu\"", "\"target\": \"cpu\"}, \"repetitions\": {\"seeds\": [1], \"baseSeed\": 3, \"count\": 5000")))
        .containsExactlyInAnyOrder("repetitions.count: must be <= 1000", "repetitions.count: is 5000 but 1 seeds are given",
            "repetitions.baseSeed: give seeds or baseSeed, not both");
  }

  @Test
  void recordsBuiltInCodeAreValidatedByTheSameRules() {
    ExperimentSpec spec = new ExperimentSpec("x", "inference", List.of(DeviceSelector.byKind(DeviceKind.PHONE, 2)),
        List.of("mobilenet"), null, PolicySpec.fixed("gpu"), ScenarioSpec.of(Scenario.SERVER), null, null, null, null);
    assertThat(SpecValidator.validate(spec)).extracting(SpecProblem::toString).containsExactlyInAnyOrder(
        "scenario.targetQps: is required for Server (must be > 0)",
        "scenario.latencyBoundMs: is required for Server (must be > 0)");
    ExperimentSpec fixed = new ExperimentSpec("x", "inference", spec.devices(), spec.models(), null, spec.policy(),
        ScenarioSpec.of(Scenario.SERVER).withTargetQps(10), null, null, null, null);
    assertThat(SpecValidator.validate(fixed)).extracting(SpecProblem::path).containsExactly("scenario.latencyBoundMs");
  }

  @Test
  void writtenSpecParsesBackEqual() throws Exception {
    ExperimentSpec spec = SpecJson.parse(java.nio.file.Path.of("examples/inference-server.json")).spec();
    assertThat(SpecJson.parse(SpecJson.write(spec)).spec()).isEqualTo(spec);
  }
}
