package io.testbed.cloud.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceTimeTableTest {
  private final ServiceTimeTable table = ServiceTimeTable.parse("1:1.0, 16:2.0, 256:10.0");

  @ParameterizedTest(name = "{0} items -> {1} ms")
  @CsvSource({
      "1, 1.0",      // a point
      "16, 2.0",
      "256, 10.0",
      "4, 1.5",      // halfway in log2 between 1 and 16
      "64, 6.0",     // halfway in log2 between 16 and 256
      "512, 20.0",   // above the last point: linear in items
      "1024, 40.0"})
  void pointsAreLogInterpolated(int items, double ms) {
    assertThat(table.ms(items)).isCloseTo(ms, within(1e-9));
  }

  @Test
  void belowTheFirstPointIsTheFirstTime() {
    ServiceTimeTable t = ServiceTimeTable.parse("8:3.0, 64:4.0");
    assertThat(t.ms(1)).isEqualTo(3.0);
    assertThat(t.ms(8)).isEqualTo(3.0);
    assertThat(t.ms(9)).isGreaterThan(3.0).isLessThan(4.0);
  }

  @Test
  void monotoneBetweenPoints() {
    double last = 0;
    for (int n = 1; n <= 2048; n++) {
      double ms = table.ms(n);
      assertThat(ms).isGreaterThanOrEqualTo(last);
      last = ms;
    }
  }

  @Test
  void badTablesAreRefusedNamingThePoint() {
    assertThatThrownBy(() -> ServiceTimeTable.parse("1:1.0, x:2")).hasMessageContaining("'x:2' is not items:ms");
    assertThatThrownBy(() -> ServiceTimeTable.parse("16:1.0, 8:2.0")).hasMessageContaining("increasing items");
    assertThatThrownBy(() -> ServiceTimeTable.parse("1:2.0, 8:1.0")).hasMessageContaining("must not get faster");
    assertThatThrownBy(() -> ServiceTimeTable.parse("0:1.0")).hasMessageContaining("items >= 1");
    assertThatThrownBy(() -> ServiceTimeTable.parse("")).hasMessageContaining("at least one point");
    assertThatThrownBy(() -> table.ms(0)).hasMessageContaining("items must be >= 1");
  }

  @Test
  void printsBackAsItWasParsed() {
    assertThat(ServiceTimeTable.parse(table.toString()).points()).isEqualTo(table.points());
  }
}
