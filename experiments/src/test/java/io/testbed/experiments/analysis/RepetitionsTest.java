package io.testbed.experiments.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.experiments.analysis.Repetitions.Run;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepetitionsTest {

  @Test
  void dropsFastestAndSlowestAndAveragesTheRest() {
    // Latency metric: lower is faster. 10 is fastest (dropped), 50 slowest (dropped).
    List<Run> runs = List.of(new Run(1, 11, 30, false), new Run(2, 12, 10, false), new Run(3, 13, 50, false),
        new Run(4, 14, 20, false), new Run(5, 15, 40, false));
    Repetitions.Aggregate a = Repetitions.aggregate("90th percentile latency (ns)", false, runs);
    assertThat(a.dropped()).containsExactly(2, 3);
    assertThat(a.kept()).containsExactlyInAnyOrder(1, 4, 5);
    assertThat(a.mean()).isCloseTo(30, within(1e-12));
    assertThat(a.stddev()).isCloseTo(10, within(1e-12));
    assertThat(a.coefficientOfVariation()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(a.result()).isEqualTo("VALID");
    assertThat(a.min()).isEqualTo(10);
    assertThat(a.max()).isEqualTo(50);
  }

  @Test
  void forThroughputTheFastestIsTheHighest() {
    List<Run> runs = List.of(new Run(1, 1, 100, false), new Run(2, 2, 200, false), new Run(3, 3, 150, false));
    Repetitions.Aggregate a = Repetitions.aggregate("Completed samples per second", true, runs);
    assertThat(a.dropped()).containsExactly(2, 1);
    assertThat(a.mean()).isEqualTo(150);
    assertThat(a.coefficientOfVariation()).isZero();
  }

  @Test
  void oneFailedRunIsDroppedAsTheSlowest() {
    List<Run> runs = List.of(new Run(1, 1, 10, false), new Run(2, 2, 0, true), new Run(3, 3, 12, false),
        new Run(4, 4, 14, false), new Run(5, 5, 16, false));
    Repetitions.Aggregate a = Repetitions.aggregate("m", false, runs);
    assertThat(a.result()).isEqualTo("VALID");
    assertThat(a.failedRuns()).isEqualTo(1);
    assertThat(a.dropped()).containsExactly(1, 2);
    assertThat(a.mean()).isCloseTo(14, within(1e-12));
  }

  @Test
  void moreThanOneFailedRunInvalidates() {
    List<Run> runs = List.of(new Run(1, 1, 10, false), new Run(2, 2, 0, true), new Run(3, 3, 12, false),
        new Run(4, 4, 0, true), new Run(5, 5, 16, false));
    Repetitions.Aggregate a = Repetitions.aggregate("m", false, runs);
    assertThat(a.result()).isEqualTo("INVALID");
    assertThat(a.reason()).isEqualTo("2 of 5 repetitions failed (at most one may)");
  }

  @Test
  void fewerThanThreeRunsAverageAllAndCannotAbsorbAFailure() {
    Repetitions.Aggregate two = Repetitions.aggregate("m", false, List.of(new Run(1, 1, 10, false), new Run(2, 2, 20, false)));
    assertThat(two.dropped()).isEmpty();
    assertThat(two.mean()).isEqualTo(15);
    Repetitions.Aggregate withFailure =
        Repetitions.aggregate("m", false, List.of(new Run(1, 1, 10, false), new Run(2, 2, 0, true)));
    assertThat(withFailure.result()).isEqualTo("INVALID");
    Repetitions.Aggregate single = Repetitions.aggregate("m", false, List.of(new Run(1, 1, 10, false)));
    assertThat(single.result()).isEqualTo("VALID");
    assertThat(single.mean()).isEqualTo(10);
  }
}
