package io.testbed.experiments.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.experiments.cli.ResultTable;
import io.testbed.experiments.spec.SpecJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationReportTest {
  private static final CalibrationSpec SPEC = CalibrationSpecParser.parse("""
      {"name": "cal", "type": "calibration", "device": "phone-1", "models": ["mobilenet"], "targets": ["cpu"],
       "levels": [0, 0.25, 0.5, 1]}""").spec();

  /** Metered power = 0.8 + 2.7 u exactly; the device's model says 0.6 + 2.98 u. */
  private static List<StepResult> steps() {
    List<StepResult> out = new ArrayList<>();
    double[] us = {0, 0.24, 0.51, 0.97};
    for (int i = 0; i < us.length; i++) {
      double u = us[i];
      CalibrationSpec.Step s = SPEC.steps().get(i);
      out.add(new StepResult(s.index(), s.label(), s.model(), s.target(), s.level(), 1_000_000_000L * i * 6,
          1_000_000_000L * (i * 6 + 5), i == 0 ? 0 : 40, 0, u, 0.6 + 2.98 * u, 50, 0.8 + 2.7 * u, 5000, 2e6,
          i == 2 ? "one note" : ""));
    }
    return out;
  }

  @Test
  void reportsErrorPerStepMapeAndTheFit() {
    CalibrationReport r = new CalibrationReport("cal-1", SPEC, "phone", "phone-1-model", "modelled", List.of("cpu"), steps());
    double expectedMape = 0;
    for (StepResult s : steps()) expectedMape += Math.abs((0.6 + 2.98 * s.utilisation()) - (0.8 + 2.7 * s.utilisation())) / (0.8 + 2.7 * s.utilisation());
    assertThat(r.mapePct()).isCloseTo(100 * expectedMape / 4, within(1e-9));
    assertThat(steps().get(0).errorPct()).isCloseTo(100 * (0.6 - 0.8) / 0.8, within(1e-9));
    CalibrationReport.Fit fit = r.meteredFit();
    assertThat(fit.ok()).isTrue();
    assertThat(fit.result().idleW().value()).isCloseTo(0.8, within(1e-9));
    assertThat(fit.result().kW().get("cpu").value()).isCloseTo(2.7, within(1e-9));
    CalibrationReport.Fit model = r.modelledFit();
    assertThat(model.result().idleW().value()).isCloseTo(0.6, within(1e-9));
    assertThat(model.result().busyW("cpu")).isCloseTo(3.58, within(1e-9));
    assertThat(r.verdict()).isEqualTo("VALID");
  }

  @Test
  void writesTheBundleAndTheCliRendersIt(@TempDir Path dir) throws Exception {
    CalibrationReport r = new CalibrationReport("cal-1", SPEC, "phone", "phone-1-model", "modelled", List.of("cpu"), steps());
    JsonNode written = r.write(dir);
    for (String f : List.of(CalibrationReport.SUMMARY, CalibrationReport.CSV, CalibrationReport.PLOT, CalibrationReport.TEXT,
        CalibrationReport.PROFILE_FIT)) {
      assertThat(dir.resolve(f)).isNotEmptyFile();
    }
    JsonNode s = SpecJson.mapper().readTree(dir.resolve(CalibrationReport.SUMMARY).toFile());
    assertThat(s).isEqualTo(written);
    assertThat(s.path("type").asText()).isEqualTo("calibration");
    assertThat(s.path("steps")).hasSize(4);
    assertThat(s.at("/fit/k/cpu/busyW").asDouble()).isCloseTo(3.5, within(1e-9));
    assertThat(s.at("/steps/3/fittedW").asDouble()).isCloseTo(0.8 + 2.7 * 0.97, within(1e-9));
    assertThat(s.at("/steps/2/note").asText()).isEqualTo("one note");
    List<String> csv = Files.readAllLines(dir.resolve(CalibrationReport.CSV));
    assertThat(csv).hasSize(5);
    assertThat(csv.get(0)).isEqualTo(CalibrationReport.CSV_HEADER);
    assertThat(csv.get(1)).startsWith("1,idle,,,0.00000,0,5000000000,");
    assertThat(csv.get(3)).endsWith("\"one note\"");
    byte[] png = Files.readAllBytes(dir.resolve(CalibrationReport.PLOT));
    assertThat(png[1]).isEqualTo((byte) 'P');
    String conf = Files.readString(dir.resolve(CalibrationReport.PROFILE_FIT));
    assertThat(conf).contains("testbed.agent.profiles.\"phone\" {", "power { idle-w = 0.8000 }",
        "{ id = \"cpu\", busy-w = [3.5000] }", "highest level");
    String text = ResultTable.render(s);
    assertThat(text).contains("calibration of phone-1", "mobilenet/cpu@25%", "MAPE", "R^2 1.0000", "Verdict: VALID",
        "busy-w 3.5000");
    assertThat(ResultTable.verdict(s)).isEqualTo("VALID");
  }

  @Test
  void withoutMeteredFiguresThereIsNoFitAndTheVerdictIsInvalid(@TempDir Path dir) throws Exception {
    List<StepResult> noMeter = steps().stream().map(s -> new StepResult(s.index(), s.label(), s.model(), s.target(), s.level(),
        s.windowStartNs(), s.windowEndNs(), s.inferences(), s.failures(), s.utilisation(), s.modelledW(), s.modelledSamples(),
        null, 0, Double.NaN, "no meter samples in the window")).toList();
    CalibrationReport r = new CalibrationReport("cal-2", SPEC, "phone", "m", "metered", List.of(), noMeter);
    assertThat(r.meteredFit().ok()).isFalse();
    assertThat(r.mapePct()).isNaN();
    assertThat(r.verdict()).isEqualTo("INVALID");
    JsonNode s = r.write(dir);
    assertThat(s.path("fitError").asText()).contains("0 observation(s)");
    assertThat(dir.resolve(CalibrationReport.PROFILE_FIT)).doesNotExist();
    assertThat(CalibrationReport.render(s)).contains("No fit:", "Verdict: INVALID");
  }
}
