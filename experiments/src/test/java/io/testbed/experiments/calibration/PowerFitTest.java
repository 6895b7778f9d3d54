package io.testbed.experiments.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PowerFitTest {

  /** Steps as a calibration plans them: idle, then each level per target. */
  private static List<PowerFit.Observation> synthetic(double idle, Map<String, Double> k, double noiseW, long seed, int repeats) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<PowerFit.Observation> out = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      out.add(new PowerFit.Observation(Map.of(), idle + noiseW * gaussian(rnd)));
      for (Map.Entry<String, Double> e : k.entrySet()) {
        for (double u : new double[] {0.25, 0.5, 0.75, 1.0}) {
          double measuredU = u * (1 + 0.02 * gaussian(rnd)); // duty cycles are never exact
          out.add(new PowerFit.Observation(Map.of(e.getKey(), measuredU), idle + e.getValue() * measuredU + noiseW * gaussian(rnd)));
        }
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  @Test
  void noiselessDataGivesTheExactCoefficientsAndRSquaredOne() {
    List<PowerFit.Observation> obs = synthetic(0.8, Map.of("cpu", 2.7, "gpu", 1.4), 0, 1, 1);
    PowerFit.Result f = PowerFit.fit(obs, List.of("cpu", "gpu"));
    assertThat(f.idleW().value()).isCloseTo(0.8, within(1e-9));
    assertThat(f.kW().get("cpu").value()).isCloseTo(2.7, within(1e-9));
    assertThat(f.kW().get("gpu").value()).isCloseTo(1.4, within(1e-9));
    assertThat(f.busyW("cpu")).isCloseTo(3.5, within(1e-9));
    assertThat(f.rSquared()).isCloseTo(1.0, within(1e-12));
    assertThat(f.observations()).isEqualTo(9);
    assertThat(f.predictW(Map.of("cpu", 0.5))).isCloseTo(0.8 + 1.35, within(1e-9));
  }

  @Test
  void seededNoiseRecoversTheCoefficientsWithinTheirStandardErrors() {
    for (long seed : new long[] {1, 2, 3, 42}) {
      List<PowerFit.Observation> obs = synthetic(0.6, Map.of("cpu", 2.98, "dsp", 0.3), 0.05, seed, 3);
      PowerFit.Result f = PowerFit.fit(obs, List.of("cpu", "dsp"));
      // within 4 standard errors (a 1-in-15000 miss per coefficient), and the standard errors match the noise
      assertThat(f.idleW().value()).as("seed %d", seed).isCloseTo(0.6, within(4 * f.idleW().standardError()));
      assertThat(f.kW().get("cpu").value()).as("seed %d", seed).isCloseTo(2.98, within(4 * f.kW().get("cpu").standardError()));
      assertThat(f.kW().get("dsp").value()).as("seed %d", seed).isCloseTo(0.3, within(4 * f.kW().get("dsp").standardError()));
      assertThat(f.idleW().standardError()).isBetween(0.005, 0.05);
      assertThat(f.kW().get("cpu").standardError()).isBetween(0.01, 0.1);
      assertThat(f.residualStdW()).isBetween(0.025, 0.1);
      assertThat(f.rSquared()).isBetween(0.95, 1.0);
    }
  }

  @Test
  void standardErrorsGrowWithNoise() {
    PowerFit.Result quiet = PowerFit.fit(synthetic(1, Map.of("cpu", 2.0), 0.01, 9, 2), List.of("cpu"));
    PowerFit.Result loud = PowerFit.fit(synthetic(1, Map.of("cpu", 2.0), 0.2, 9, 2), List.of("cpu"));
    assertThat(loud.kW().get("cpu").standardError()).isGreaterThan(5 * quiet.kW().get("cpu").standardError());
    assertThat(loud.rSquared()).isLessThan(quiet.rSquared());
  }

  @Test
  void tooFewObservationsOrANeverBusyTargetIsAnErrorNamingIt() {
    List<PowerFit.Observation> two = List.of(new PowerFit.Observation(Map.of(), 1), new PowerFit.Observation(Map.of("cpu", 1.0), 3));
    assertThatThrownBy(() -> PowerFit.fit(two, List.of("cpu"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 observation(s) for 2 coefficients");
    List<PowerFit.Observation> obs = synthetic(1, Map.of("cpu", 2.0), 0.01, 3, 1);
    assertThatThrownBy(() -> PowerFit.fit(obs, List.of("cpu", "gpu"))).hasMessageContaining("'gpu' is never busy");
    List<PowerFit.Observation> nan = new ArrayList<>(obs);
    nan.set(2, new PowerFit.Observation(Map.of("cpu", 0.5), Double.NaN));
    assertThatThrownBy(() -> PowerFit.fit(nan, List.of("cpu"))).hasMessageContaining("observation 3: power is not finite");
  }

  @Test
  void mapeOnKnownValues() {
    // |1.1-1|/1 = 10 %, |1.5-2|/2 = 25 %, |3-3|/3 = 0 % -> 35/3 %
    assertThat(PowerFit.mapePct(List.of(1.1, 1.5, 3.0), List.of(1.0, 2.0, 3.0))).isCloseTo(35.0 / 3, within(1e-12));
    // a zero or missing metered figure is skipped, not divided by
    assertThat(PowerFit.mapePct(Arrays.asList(2.0, 1.0, 4.0), Arrays.asList(0.0, null, 5.0))).isCloseTo(20.0, within(1e-12));
    assertThat(PowerFit.mapePct(List.of(1.0), List.of(0.0))).isNaN();
    assertThat(PowerFit.errorPct(0.9, 1.2)).isCloseTo(-25.0, within(1e-12));
    assertThat(PowerFit.errorPct(null, 1.2)).isNaN();
  }
}
