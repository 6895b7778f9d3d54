package io.testbed.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ThermalRcModelTest {
  static final ThermalRcModel.Params P = ThermalRcModel.Params.stagioni(25);

  static Stream<Arguments> stepResponses() {
    // (from W, to W, observe at ns, integration step ns)
    return Stream.of(
        Arguments.of(0.0, 2.0, 1_000_000L, 1_000L),
        Arguments.of(0.0, 2.0, 5_000_000L, 250_000L),
        Arguments.of(0.0, 2.0, 20_000_000L, 3_000_000L),
        Arguments.of(0.0, 2.0, 5_000_000_000L, 1_000_000L),
        Arguments.of(0.0, 2.0, 30_000_000_000L, 7_000_000_000L),
        Arguments.of(2.0, 0.305, 20_000_000L, 100_000L),
        Arguments.of(2.0, 0.305, 10_000_000_000L, 10_000_000_000L),
        Arguments.of(1.2, 2.0, 3_000_000_000L, 33_333_333L));
  }

  @ParameterizedTest(name = "{0} W -> {1} W, t = {2} ns, dt = {3} ns")
  @MethodSource("stepResponses")
  void matchesTheAnalyticStepResponseAtAnyStepSize(double fromW, double toW, long tNs, long dtNs) {
    ThermalRcModel m = ThermalRcModel.settled(P, fromW);
    long t = 0;
    while (t < tNs) {
      long dt = Math.min(dtNs, tNs - t);
      m = m.step(toW, dt);
      t += dt;
    }
    assertThat(m.junctionC()).isCloseTo(ThermalRcModel.stepResponseJunctionC(P, fromW, toW, tNs), within(1e-9));
    double slowRise = toW * P.rSlowKPerW() + (fromW - toW) * P.rSlowKPerW() * Math.exp(-(double) tNs / P.tauSlowNs());
    assertThat(m.packageC()).isCloseTo(25 + slowRise, within(1e-9));
  }

  @Test
  void gatingTheVisionProcessorDropsTheJunctionAbout13CWithin20Ms() {
    ThermalRcModel hot = ThermalRcModel.settled(P, 2.0);
    double drop = hot.junctionC() - hot.step(0.305, 20_000_000L).junctionC();
    assertThat(drop).isBetween(12.0, 14.0);
    double dropAfter5Ms = hot.junctionC() - hot.step(0.305, 5_000_000L).junctionC();
    assertThat(dropAfter5Ms).isBetween(0.6 * drop, 0.7 * drop);   // one fast time constant: 1 - 1/e
  }

  @Test
  void nspPowerHeatsTheJunctionInto60To90CWithinTensOfSeconds() {
    ThermalRcModel m = ThermalRcModel.atAmbient(P);
    assertThat(m.junctionC()).isEqualTo(25.0);
    m = m.step(2.0, 10_000_000_000L);
    assertThat(m.junctionC()).isBetween(60.0, 90.0);
    m = m.step(2.0, 50_000_000_000L);
    assertThat(m.junctionC()).isBetween(79.0, 80.0).isLessThanOrEqualTo(P.steadyJunctionC(2.0));
  }

  @Test
  void aHugeStepLandsOnTheSteadyStateInsteadOfBlowingUp() {
    ThermalRcModel m = ThermalRcModel.atAmbient(P).step(2.0, Long.MAX_VALUE / 2);
    assertThat(m.junctionC()).isCloseTo(P.steadyJunctionC(2.0), within(1e-9));
    assertThat(m.temperatures().packageC()).isCloseTo(25 + 2.0 * P.rSlowKPerW(), within(1e-9));
  }

  @Test
  void noSequenceOfPowersMovesTheJunctionFasterThanMaxChange() {
    SplittableRandom r = new SplittableRandom(7);
    ThermalRcModel m = ThermalRcModel.atAmbient(P);
    for (int i = 0; i < 2000; i++) {
      long dt = 1 + r.nextLong(200_000_000L);
      double p = r.nextDouble() * 2.5;
      ThermalRcModel next = m.step(p, dt);
      assertThat(Math.abs(next.junctionC() - m.junctionC())).isLessThanOrEqualTo(ThermalRcModel.maxChangeC(P, 2.5, dt) + 1e-9);
      m = next;
    }
  }

  @Test
  void rejectsBadParametersAndInputs() {
    assertThatThrownBy(() -> new ThermalRcModel.Params(25, 0, 5_000_000L, 20, 5_000_000_000L)).hasMessageContaining("rFastKPerW");
    assertThatThrownBy(() -> new ThermalRcModel.Params(25, 7.5, 5_000_000L, 20, 1_000_000L)).hasMessageContaining("tauSlowNs");
    assertThatThrownBy(() -> new ThermalRcModel.Params(Double.NaN, 7.5, 5_000_000L, 20, 5_000_000_000L)).hasMessageContaining("ambientC");
    assertThatThrownBy(() -> ThermalRcModel.atAmbient(P).step(-1, 1)).hasMessageContaining("powerW");
    assertThatThrownBy(() -> ThermalRcModel.atAmbient(P).step(1, -1)).hasMessageContaining("dtNs");
  }
}
