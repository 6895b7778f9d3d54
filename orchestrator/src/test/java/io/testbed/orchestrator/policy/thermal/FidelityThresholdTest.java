package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FidelityThresholdTest {
  static final NoiseCurve CURVE = NoiseCurveTest.STAGIONI;
  static final FidelityThreshold.Scene MID = FidelityThreshold.Scene.lit(1.0, 128);

  @ParameterizedTest(name = "{0} C: {1} dB")
  @CsvSource({
      // MSE = (1 - h)(sigma^2 + offset^2) + h (255 - 128)^2, h = hot / 921600
      "44, 28.1923",
      "68, 26.2297",
      "80, 22.6988",
      "92, 15.0126"})
  void expectedPsnrAtCalibrationPoints(double t, double db) {
    assertThat(FidelityThreshold.expectedPsnrDb(CURVE, MID, t)).isCloseTo(db, within(1e-3));
  }

  @ParameterizedTest(name = "target {0} dB")
  @CsvSource({"16", "20", "22", "24", "26"})
  void thresholdIsTheHighestTemperatureMeetingTheTarget(double target) {
    FidelityThreshold.Threshold th = FidelityThreshold.derive(CURVE, MID, target, 25, 8);
    assertThat(th.feasible()).isTrue();
    assertThat(FidelityThreshold.expectedPsnrDb(CURVE, MID, th.temperatureC())).isGreaterThanOrEqualTo(target);
    assertThat(FidelityThreshold.expectedPsnrDb(CURVE, MID, th.temperatureC() + 0.02)).isLessThan(target);
    for (double t = th.floorC(); t <= th.temperatureC(); t += 0.5) {
      assertThat(FidelityThreshold.expectedPsnrDb(CURVE, MID, t)).as("at %.1f C", t).isGreaterThanOrEqualTo(target);
    }
  }

  @Test
  void aStricterTargetOrDimmerLightGivesALowerThreshold() {
    double loose = FidelityThreshold.derive(CURVE, MID, 22, 25, 8).temperatureC();
    double strict = FidelityThreshold.derive(CURVE, MID, 25, 25, 8).temperatureC();
    double dim = FidelityThreshold.derive(CURVE, FidelityThreshold.Scene.lit(0.8, 128), 22, 25, 8).temperatureC();
    assertThat(strict).isLessThan(loose - 3);
    assertThat(dim).isLessThan(loose - 3);
  }

  @Test
  void aTargetTheNodeCannotReachAtThisAmbientIsInfeasible() {
    // 27 dB is met only below ~62 C; at 55 C ambient with an 8 C gated rise the coolest reachable is 63 C
    FidelityThreshold.Threshold th = FidelityThreshold.derive(CURVE, MID, 27, 55, 8);
    assertThat(th.feasible()).isFalse();
    assertThat(th.temperatureC()).isEqualTo(63.0);
    assertThat(th.note()).contains("coolest reachable");
    assertThat(FidelityThreshold.derive(CURVE, MID, 27, 25, 8).feasible()).isTrue();
  }

  @Test
  void aTargetMetEverywhereReturnsTheCeiling() {
    FidelityThreshold.Threshold th = FidelityThreshold.derive(CURVE, MID, 10, 25, 8);
    assertThat(th.feasible()).isTrue();
    assertThat(th.temperatureC()).isEqualTo(FidelityThreshold.SEARCH_CEILING_C);
  }
}
