package io.testbed.orchestrator.actor.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.experiments.calibration.CalibrationSpec;
import io.testbed.experiments.calibration.CalibrationSpecParser;
import io.testbed.experiments.calibration.StepResult;
import io.testbed.experiments.spec.SpecProblem;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.actor.PowerKeeper;
import io.testbed.orchestrator.model.MeterView;
import io.testbed.orchestrator.policy.energy.WindowPower;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationRunTest {
  private static final long MS = 1_000_000L;
  private static final long T0 = 1_764_489_600_000_000_000L;
  private static final CalibrationSpec SPEC = CalibrationSpecParser.parse("""
      {"name": "c", "type": "calibration", "device": "phone-1", "models": ["mobilenet"], "targets": ["cpu"]}""").spec();

  /** An inference on the device's clock, [start, start + ms]. */
  private static InferenceResult ok(long startNs, long ms) {
    return new InferenceResult(SchemaVersion.CURRENT, "phone-1", startNs + ms * MS, "c-" + startNs, "mobilenet", "cpu",
        Precision.FP32, "phone-1", 1, Outcome.OK, null, ms, ms * 0.9, null, startNs, startNs + ms * MS, "d", 0.1, io.testbed.protocol.PowerSource.MODELLED, null, null);
  }

  private static PowerKeeper.WindowPowers powers(Double offsetNs) {
    return new PowerKeeper.WindowPowers("phone-1", "m", "metered", new WindowPower(2.5, 2000, true, ""),
        new WindowPower(2.0, 20, false, "samples do not cover the whole window: edge samples held"), offsetNs, 30_000);
  }

  @Test
  void utilisationIsTheExecutionTimeInsideTheWindowOnTheOrchestratorsClock() {
    CalibrationSpec.Step step = SPEC.steps().get(2); // mobilenet/cpu@50%
    long from = T0;
    long to = T0 + 1000 * MS;
    // the device's clock runs 200 ms behind: on the orchestrator's clock its windows are 200 ms later
    long behind = -200 * MS;
    List<InferenceResult> rs = List.of(
        ok(T0 + behind - 50 * MS, 100),   // [-50, 50] ms: 50 ms inside
        ok(T0 + behind + 400 * MS, 100),  // fully inside: 100 ms
        ok(T0 + behind + 950 * MS, 100)); // [950, 1050]: 50 ms inside
    StepResult r = CalibrationRun.result(step, from, to, rs, powers(200.0 * MS));
    assertThat(r.utilisation()).isCloseTo(0.2, within(1e-9));
    assertThat(r.inferences()).isEqualTo(3);
    assertThat(r.meteredW()).isEqualTo(2.5);
    assertThat(r.modelledW()).isEqualTo(2.0);
    assertThat(r.errorPct()).isCloseTo(-20.0, within(1e-9));
    assertThat(r.note()).contains("device: samples do not cover");
    assertThat(r.label()).isEqualTo("mobilenet/cpu@50%");
  }

  @Test
  void failuresAndAMissingDeviceClockAreCountedAndNoted() {
    InferenceResult failed = new InferenceResult(SchemaVersion.CURRENT, "phone-1", T0, "c-x", "mobilenet", "cpu",
        Precision.FP32, "phone-1", 1, Outcome.TIMEOUT, "timeout", 0, 0, null, T0, T0, null, null, null, null, null);
    StepResult r = CalibrationRun.result(SPEC.steps().get(1), T0, T0 + 1000 * MS, List.of(ok(T0 + 100 * MS, 500), failed), powers(null));
    assertThat(r.utilisation()).isCloseTo(0.5, within(1e-9));
    assertThat(r.failures()).isEqualTo(1);
    assertThat(r.inferences()).isEqualTo(1);
    assertThat(r.note()).contains("no clock estimate of the device", "1 inference(s) failed");
  }

  @Test
  void submissionsNeedTheDeviceItsModelsTargetsAndAMeter() {
    var hello = Fixtures.phoneHello("phone-1");
    MeterView bound = meter("phone-1-ina", "phone-1");
    CalibrationSubmissions.Resolution ok = CalibrationSubmissions.resolve(SPEC, List.of(hello), List.of(meter("x", "edge-1"), bound));
    assertThat(ok.ok()).isTrue();
    assertThat(ok.meterId()).isEqualTo("phone-1-ina");

    CalibrationSubmissions.Resolution noMeter = CalibrationSubmissions.resolve(SPEC, List.of(hello), List.of(meter("x", "edge-1")));
    assertThat(noMeter.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("meter");
      assertThat(p.message()).contains("no meter is bound to device 'phone-1'");
    });
    CalibrationSpec named = CalibrationSpecParser.parse("""
        {"name": "c", "type": "calibration", "device": "phone-1", "models": ["nope"], "targets": ["cpu", "tpu"],
         "meter": "bench"}""").spec();
    CalibrationSubmissions.Resolution bad = CalibrationSubmissions.resolve(named, List.of(hello), List.of(bound));
    assertThat(bad.unknownModels()).containsExactly("nope");
    assertThat(bad.unknownTargets()).containsExactly("tpu");
    assertThat(bad.problems()).extracting(SpecProblem::path).containsExactlyInAnyOrder("models[0]", "targets", "meter");
    CalibrationSubmissions.Resolution noDevice = CalibrationSubmissions.resolve(SPEC, List.of(), List.of(bound));
    assertThat(noDevice.unknownDevices()).containsExactly("phone-1");
  }

  private static MeterView meter(String id, String device) {
    return new MeterView(id, device, device, "batch", "metered", 1000, 1000, null, null, 10, 10, 0, 0, 0, null);
  }
}
