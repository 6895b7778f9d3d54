package io.testbed.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.agent.sensor.PlausibilityFilter.Reference;
import io.testbed.agent.sensor.PlausibilityFilter.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlausibilityFilterTest {
  static final PlausibilityFilter FILTER = PlausibilityFilter.defaults(ThermalRcModel.Params.stagioni(25), 2.5);

  @ParameterizedTest(name = "last {0} C, then {1} C after {2} ns -> accepted {3}")
  @CsvSource({
      "NaN, 25, 0, true",              // first reading
      "NaN, NaN, 0, false",
      "NaN, Infinity, 0, false",
      "NaN, 151, 0, false",            // above 150
      "NaN, -41, 0, false",            // below -40
      "NaN, 150, 0, true",
      "25, 40, 1000000000, true",      // bound in 1 s: 2.5 (7.5 + 20 x 0.18) + 2 = 29.8 C
      "25, 60, 1000000000, false",
      "25, 120, 1000000000, false",    // a garbage zone value
      "80, 67, 20000000, true",        // gating the VPU: -13 C in 20 ms is physics
      "25, 50, 10000000, false",       // bound in 10 ms: 2.5 (7.5 x 0.86 + 20 x 0.002) + 2 = 18.3 C
      "60, 60.5, 0, true",             // same instant, within tolerance
      "60, 65, 0, false"})
  void judgesReadings(double lastC, double tempC, long dtNs, boolean accepted) {
    Reference last = Double.isNaN(lastC) ? Reference.NONE : new Reference(lastC, 1_000_000_000L);
    Verdict v = FILTER.judge(last, tempC, 1_000_000_000L + dtNs);
    assertThat(v).isInstanceOf(accepted ? Verdict.Accepted.class : Verdict.Rejected.class);
  }

  @Test
  void aRejectedReadingDoesNotMoveTheReference() {
    Reference r = PlausibilityFilter.next(Reference.NONE, FILTER.judge(Reference.NONE, 50, 0));
    Verdict garbage = FILTER.judge(r, 127, 1_000_000L);
    assertThat(garbage).isInstanceOfSatisfying(Verdict.Rejected.class, x -> assertThat(x.reason()).contains("physical bound"));
    Reference after = PlausibilityFilter.next(r, garbage);
    assertThat(after).isEqualTo(r);
    assertThat(FILTER.judge(after, 51, 2_000_000L)).isInstanceOf(Verdict.Accepted.class);
  }

  @Test
  void readingsOlderThanTheReferenceAreRejected() {
    assertThat(FILTER.judge(new Reference(50, 10), 50, 5)).isInstanceOfSatisfying(Verdict.Rejected.class,
        x -> assertThat(x.reason()).contains("older"));
  }
}
