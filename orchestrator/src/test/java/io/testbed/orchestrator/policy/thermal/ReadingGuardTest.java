package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadingGuardTest {
  static final ReadingGuard GUARD = ReadingGuard.stagioni(2.5);

  @ParameterizedTest(name = "last {0} C, then {1} C after {2} ns -> {3}")
  @CsvSource({
      "NaN, 25, 0, ok",
      "NaN, NaN, 0, not a number",
      "NaN, 151, 0, outside",
      "NaN, -40.5, 0, outside",
      "25, 40, 1000000000, ok",
      "25, 60, 1000000000, physical bound",
      "80, 67, 20000000, ok",
      "25, 50, 10000000, physical bound",
      "50, 50, -1, older"})
  void judges(double lastC, double tempC, long dtNs, String expected) {
    String why = GUARD.reject(lastC, 1_000_000_000L, tempC, 1_000_000_000L + dtNs);
    if (expected.equals("ok")) assertThat(why).isNull();
    else assertThat(why).contains(expected);
  }

  @ParameterizedTest
  @CsvSource({"25, 140, 1", "25, -39, 1000000000000"})
  void rangeOnlyHasNoRateBound(double lastC, double tempC, long dtNs) {
    assertThat(ReadingGuard.rangeOnly(-40, 150).reject(lastC, 0, tempC, dtNs)).isNull();
  }
}
