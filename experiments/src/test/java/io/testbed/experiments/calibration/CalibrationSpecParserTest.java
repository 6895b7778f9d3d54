package io.testbed.experiments.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.SpecProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CalibrationSpecParserTest {

  @Test
  void theExampleParsesIntoAnIdleStepAndFourLevelsPerModelAndTarget() throws Exception {
    List<Path> examples;
    try (Stream<Path> s = Files.list(Path.of("examples"))) {
      examples = s.filter(p -> p.getFileName().toString().startsWith("calibration-")).sorted().toList();
    }
    assertThat(examples).extracting(p -> p.getFileName().toString()).contains("calibration-phone.json");
    for (Path f : examples) {
      String json = Files.readString(f);
      assertThat(CalibrationSpecParser.isCalibration(json)).isTrue();
      var p = CalibrationSpecParser.parse(json);
      assertThat(p.problems()).as(f.toString()).isEmpty();
    }
    CalibrationSpec spec = CalibrationSpecParser.parse(Files.readString(Path.of("examples/calibration-phone.json"))).spec();
    assertThat(spec.device()).isEqualTo("phone-1");
    assertThat(spec.meter()).isNull();
    List<CalibrationSpec.Step> steps = spec.steps();
    assertThat(steps).hasSize(1 + 2 * 2 * 4);
    assertThat(steps.get(0).idle()).isTrue();
    assertThat(steps.get(0).label()).isEqualTo("idle");
    assertThat(steps.get(1)).isEqualTo(new CalibrationSpec.Step(2, "mobilenet", "cpu", 0.25));
    assertThat(steps.get(5)).isEqualTo(new CalibrationSpec.Step(6, "mobilenet", "gpu", 0.25));
    assertThat(steps.get(16).label()).isEqualTo("resnet/gpu@100%");
    assertThat(spec.allTargets()).containsExactly("cpu", "gpu");
  }

  @Test
  void defaultsAndPerModelTargets() {
    CalibrationSpec s = CalibrationSpecParser.parse("""
        {"name": "c", "type": "calibration", "device": "phone-1", "models": ["mobilenet", "mlp"],
         "targets": {"mobilenet": ["cpu", "gpu"], "mlp": ["dsp"]}, "meter": "bench-1"}""").spec();
    assertThat(s.levels()).containsExactly(0.0, 0.25, 0.5, 1.0);
    assertThat(s.stepMs()).isEqualTo(CalibrationSpec.DEFAULT_STEP_MS);
    assertThat(s.settleMs()).isEqualTo(CalibrationSpec.DEFAULT_SETTLE_MS);
    assertThat(s.meter()).isEqualTo("bench-1");
    assertThat(s.allTargets()).containsExactly("cpu", "gpu", "dsp");
    assertThat(s.steps()).hasSize(1 + 3 * 3);
    assertThat(s.steps().get(4).target()).isEqualTo("gpu");
  }

  @Test
  void everyProblemAtOnceEachNamingItsField() {
    var p = CalibrationSpecParser.parse("""
        {"name": "", "type": "calibration", "device": "phone 1", "models": ["mobilenet", "mobilenet"],
         "targets": ["cpu", "offload"], "levels": [0, 1.5, "x"], "stepMs": 10, "settleMs": -1, "batchSize": 0,
         "seed": 1.5, "colour": "red"}""");
    assertThat(p.ok()).isFalse();
    assertThat(p.problems()).extracting(SpecProblem::path).containsExactlyInAnyOrder("colour", "name", "device", "models[1]",
        "targets[1]", "levels[1]", "levels[2]", "stepMs", "settleMs", "batchSize", "seed");
    assertThat(p.problems()).filteredOn(x -> x.path().equals("levels[1]")).first()
        .satisfies(x -> assertThat(x.message()).contains("[0, 1]"));
  }

  @Test
  void aPlanTooSmallForTheFitIsRefused() {
    var p = CalibrationSpecParser.parse("""
        {"name": "c", "type": "calibration", "device": "d", "models": ["m"], "targets": ["cpu", "gpu"], "levels": [1]}""");
    assertThat(p.problems()).singleElement().satisfies(x -> {
      assertThat(x.path()).isEqualTo("levels");
      assertThat(x.message()).contains("2 step(s) for 3 fitted coefficients");
    });
    var missing = CalibrationSpecParser.parse("""
        {"name": "c", "type": "calibration", "device": "d", "models": ["m", "n"], "targets": {"m": ["cpu"], "x": ["cpu"]}}""");
    assertThat(missing.problems()).extracting(SpecProblem::path).containsExactlyInAnyOrder("targets.x", "targets.n");
    assertThat(CalibrationSpecParser.parse("{").problems()).singleElement().extracting(SpecProblem::path).isEqualTo("$");
    assertThat(CalibrationSpecParser.isCalibration("{\"type\": \"recsched\"}")).isFalse();
  }

  @Test
  void schemaListsExactlyTheFieldsTheParserKnows() throws Exception {
    JsonNode schema = SpecJson.mapper().readTree(Files.readString(Path.of("schema/calibration-spec.schema.json")));
    List<String> names = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder("name", "type", "device", "models", "targets", "levels", "stepMs",
        "settleMs", "meter", "batchSize", "queryTimeoutMs", "seed");
    // every one of them is accepted (no "unknown field")
    var p = CalibrationSpecParser.parse("""
        {"name": "c", "type": "calibration", "device": "d", "models": ["m"], "targets": ["cpu"], "levels": [0, 0.5, 1],
         "stepMs": 1000, "settleMs": 0, "meter": "x", "batchSize": 2, "queryTimeoutMs": 5000, "seed": 3}""");
    assertThat(p.problems()).isEmpty();
  }
}
