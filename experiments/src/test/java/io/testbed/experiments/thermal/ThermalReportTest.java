package io.testbed.experiments.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thermal spec validation and defaults, per-policy figures on scripted frames, and the bundle files. */
class ThermalReportTest {
  private static final long FRAME_NS = 100_000_000L;   // 10 fps

  private static ThermalSpec spec() {
    return new ThermalSpec("t", "thermal", "sensor-1", "edge-1", 10.0, 24.0, null, 1.0, List.of("all-far", "all-near", "stop-capture-go"), 1,
        null, null, null, null).withDefaults();
  }

  private static ThermalFrame frame(String policy, int i, String mode, double temp, double psnr, double nodeW, double transferW, double farW,
      boolean capture) {
    return new ThermalFrame(policy, 0, i, i * FRAME_NS, mode, temp, psnr, "cap".equals(mode) ? null : 1.0, nodeW, transferW, farW, capture, true, 70.0);
  }

  @Test
  void specDefaultsAndProblemsNameTheirFields() throws Exception {
    ThermalSpec s = ThermalSpec.parse("{\"type\":\"thermal\",\"sensorNode\":\"s-1\",\"farDevice\":\"e-1\"}").withDefaults();
    assertThat(s.policies()).containsExactlyElementsOf(ThermalSpec.POLICIES);
    assertThat(s.captureFps()).isEqualTo(30.0);
    assertThat(s.environment()).singleElement().isEqualTo(new ThermalSpec.EnvironmentStep(0, 25.0, 1.0));
    ThermalSpec bad = ThermalSpec.parse("{\"type\":\"thermal\",\"policies\":[\"all-far\",\"cool\"],\"captureFps\":0,"
        + "\"environment\":[{\"atMs\":5,\"lighting\":2}]}");
    assertThat(bad.problems()).extracting(p -> p.path()).containsExactlyInAnyOrder("sensorNode", "policies[1]", "farDevice", "captureFps",
        "environment[0].lighting");
    assertThat(ThermalSpec.isThermal("{\"type\":\"thermal\"}")).isTrue();
    assertThat(ThermalSpec.isThermal("{\"type\":\"inference\"}")).isFalse();
  }

  @Test
  void thermalExamplesAreValid() throws Exception {
    List<Path> examples;
    try (var s = Files.list(Path.of("examples"))) {
      examples = s.filter(p -> p.getFileName().toString().startsWith("thermal-") && p.toString().endsWith(".json")).toList();
    }
    assertThat(examples).isNotEmpty();
    for (Path p : examples) {
      ThermalSpec spec = ThermalSpec.read(p);
      assertThat(spec.problems()).as(p.toString()).isEmpty();
      assertThat(spec.withDefaults().policies()).as(p.toString()).containsExactlyElementsOf(ThermalSpec.POLICIES);
    }
  }

  @Test
  void figuresPerPolicyFromScriptedFrames(@TempDir Path dir) throws Exception {
    List<ThermalFrame> frames = new ArrayList<>();
    for (int i = 0; i < 10; i++) frames.add(frame("all-far", i, "far", 50, 28, 0.3, 0.9, 1.5, i == 5));
    for (int i = 0; i < 10; i++) frames.add(frame("all-near", i, "nsp", i < 4 ? 65 : 80, i < 4 ? 26 : 20, 2.0, 0, 0, i == 5));
    // stop-capture-go: 8 NSP frames at 80 C, one CAP stop, one capture at 68 C
    for (int i = 0; i < 10; i++) {
      boolean cap = i == 5;
      boolean capture = i == 6;
      frames.add(frame("stop-capture-go", i, cap ? "cap" : "nsp", capture ? 68 : 80, capture ? 25 : 20, cap ? 0.305 : 2.0, 0, 0, capture));
    }
    List<ModeChange> changes = List.of(new ModeChange("stop-capture-go", 0, 5 * FRAME_NS, "nsp", "cap", "STOP_FOR_CAPTURE", 80, true),
        new ModeChange("stop-capture-go", 0, 6 * FRAME_NS, "cap", "nsp", "COOLED", 68, true));
    ThermalReport r = ThermalReport.of("run-1", spec(), frames, changes);
    ThermalReport.PolicyFigures far = r.policies().get(0), near = r.policies().get(1), scg = r.policies().get(2);
    assertThat(far.systemPowerW()).isCloseTo(2.7, offset(1e-9));
    assertThat(far.savedVsAllFarPct()).isCloseTo(0.0, offset(1e-9));
    assertThat(near.systemPowerW()).isCloseTo(2.0, offset(1e-9));
    assertThat(near.savedVsAllFarPct()).isCloseTo(100 * 0.7 / 2.7, offset(1e-9));
    assertThat(near.timeAboveThresholdS()).isCloseTo(0.6, offset(1e-9));   // 6 frames at 80 C > 70 C, 0.1 s each
    assertThat(near.capturesMeetingTargetPct()).isEqualTo(0.0);             // captured at 80 C: 20 dB < 24
    assertThat(scg.duty()).isCloseTo(0.9, offset(1e-9));
    assertThat(scg.effectiveFps()).isCloseTo(9.0, offset(1e-9));
    assertThat(scg.nearDuty()).isCloseTo(0.9, offset(1e-9));
    assertThat(scg.capturesMeetingTargetPct()).isEqualTo(100.0);
    assertThat(scg.systemPowerW()).isCloseTo((9 * 2.0 + 0.305) / 10, offset(1e-9));
    assertThat(scg.modeChanges()).isEqualTo(2);
    assertThat(scg.psnrP5Db()).isEqualTo(20.0);
    assertThat(r.table()).contains("| stop-capture-go |").contains("22-53 %");

    Path bundle = ThermalBundle.write(dir, r, frames, changes);
    assertThat(bundle.resolve(ThermalBundle.REPORT_TXT)).content().contains("| all-near |");
    assertThat(bundle.resolve(ThermalBundle.REPORT_JSON)).content().contains("\"savedVsAllFarPct\"");
    assertThat(Files.readAllLines(bundle.resolve(ThermalBundle.FRAMES_CSV))).hasSize(31);
    assertThat(Files.readAllLines(bundle.resolve(ThermalBundle.MODES_CSV))).hasSize(3);
    for (String p : List.of("all-far", "all-near", "stop-capture-go")) {
      Path png = bundle.resolve("plots").resolve("thermal-" + p + ".png");
      assertThat(png).exists();
      assertThat(Files.readAllBytes(png)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
  }
}
