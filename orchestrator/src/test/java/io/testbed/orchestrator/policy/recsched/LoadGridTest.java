package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LoadGridTest {
  private static final LoadGrid GRID = new LoadGrid(10, 10_000, 10);

  static Stream<Arguments> sizes() {
    return Stream.of(
        Arguments.of(new LoadGrid(10, 10_000, 10), 31), // 3 decades * 10 + 1: both ends on the grid
        Arguments.of(new LoadGrid(1, 100, 4), 9),
        Arguments.of(new LoadGrid(10, 15, 10), 2), // 10, 12.59; 15.8 is above max
        Arguments.of(new LoadGrid(10, 10, 10), 1),
        Arguments.of(new LoadGrid(1, 1000, 1), 4));
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void sizeCountsThePointsUpToMax(LoadGrid grid, int size) {
    assertThat(grid.size()).isEqualTo(size);
    assertThat(grid.qpsAt(grid.top())).isLessThanOrEqualTo(grid.maxQps() * (1 + 1e-12));
  }

  @ParameterizedTest(name = "qpsAt({0}) = {1}")
  @CsvSource({"0, 10", "1, 12.589254", "5, 31.622777", "10, 100", "20, 1000", "30, 10000", "31, 10000", "-3, 10"})
  void pointsAreLogSpacedAndClamped(int index, double qps) {
    assertThat(GRID.qpsAt(index)).isCloseTo(qps, within(1e-5));
  }

  @Test
  void consecutivePointsHaveAConstantRatio() {
    for (int i = 1; i < GRID.size(); i++) {
      assertThat(GRID.qpsAt(i) / GRID.qpsAt(i - 1)).isCloseTo(Math.pow(10, 0.1), within(1e-9));
    }
  }

  @ParameterizedTest(name = "from {0}: up {1}, down {2}")
  @CsvSource({"0, 1, 0", "1, 2, 0", "15, 16, 14", "29, 30, 28", "30, 30, 29", "99, 30, 29", "-5, 1, 0"})
  void stepsMoveOneIndexAndClampAtTheEnds(int from, int up, int down) {
    assertThat(GRID.up(from)).isEqualTo(up);
    assertThat(GRID.down(from)).isEqualTo(down);
  }

  @ParameterizedTest(name = "{0} qps -> index {1}")
  @CsvSource({"1, 0", "10, 0", "12.5, 0", "12.6, 1", "100, 10", "99.99, 9", "5000, 26", "1e9, 30"})
  void indexAtOrBelow(double qps, int index) {
    assertThat(GRID.indexAtOrBelow(qps)).isEqualTo(index);
  }

  @Test
  void badGridsAreRefused() {
    assertThatThrownBy(() -> new LoadGrid(0, 10, 10)).hasMessageContaining("minQps");
    assertThatThrownBy(() -> new LoadGrid(10, 5, 10)).hasMessageContaining("maxQps");
    assertThatThrownBy(() -> new LoadGrid(1, 5, 0)).hasMessageContaining("stepsPerDecade");
  }
}
