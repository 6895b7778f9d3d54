package io.testbed.experiments.loadgen.querysize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution.Empirical;
import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution.PercentilePoint;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QuerySizeDistributionTest {
  private static final int N = 20_000;

  private static int[] draw(QuerySizeDistribution d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] out = new int[N];
    for (int i = 0; i < N; i++) out[i] = d.sample(rng);
    return out;
  }

  private static double median(int[] v) {
    int[] s = v.clone();
    Arrays.sort(s);
    return (s[N / 2 - 1] + s[N / 2]) / 2.0;
  }

  @Test
  void defaultLognormalHasMedianNear164() {
    int[] v = draw(QuerySizeDistribution.defaultDistribution(), 7);
    assertThat(median(v)).isCloseTo(Math.exp(5.1), within(Math.exp(5.1) * 0.03));
    // sigma 0.2: the 5th..95th percentile spans exp(5.1 -+ 1.645 * 0.2) = 118..228.
    int[] s = v.clone();
    Arrays.sort(s);
    assertThat(s[N / 20]).isBetween(112, 124);
    assertThat(s[N - N / 20]).isBetween(217, 240);
  }

  static Stream<Arguments> means() {
    return Stream.of(
        Arguments.of(QuerySizeDistribution.normal(300, 50), 300.0),
        Arguments.of(QuerySizeDistribution.fixed(128), 128.0),
        Arguments.of(QuerySizeDistribution.lognormal(4, 0.5), Math.exp(4 + 0.125)));
  }

  @ParameterizedTest
  @MethodSource("means")
  void sampleMeanMatchesTheDistribution(QuerySizeDistribution d, double expectedMean) {
    double mean = Arrays.stream(draw(d, 3)).average().orElseThrow();
    assertThat(mean).isCloseTo(expectedMean, within(expectedMean * 0.02));
  }

  static Stream<Arguments> clipped() {
    return Stream.of(
        Arguments.of("normal far above", QuerySizeDistribution.normal(5000, 10), 1024, 1024),
        Arguments.of("normal far below", QuerySizeDistribution.normal(1, 1000), 1, 1024),
        Arguments.of("lognormal huge", QuerySizeDistribution.lognormal(10, 0), 1024, 1024),
        Arguments.of("lognormal tiny", QuerySizeDistribution.lognormal(-5, 0), 1, 1),
        Arguments.of("empirical beyond range",
            QuerySizeDistribution.empirical(List.of(new PercentilePoint(0, 0.2), new PercentilePoint(100, 4000))), 1,
            1024));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clipped")
  void everyDrawIsClippedTo1To1024(String name, QuerySizeDistribution d, int min, int max) {
    int[] v = draw(d, 11);
    assertThat(Arrays.stream(v).min().orElseThrow()).isEqualTo(min);
    assertThat(Arrays.stream(v).max().orElseThrow()).isEqualTo(max);
  }

  @Test
  void normalFarBelowPilesMassAtOne() {
    long ones = Arrays.stream(draw(QuerySizeDistribution.normal(1, 1000), 5)).filter(x -> x == 1).count();
    assertThat(ones).isGreaterThan(N * 45L / 100); // about half the draws are <= 1
  }

  static Stream<Arguments> interpolation() {
    return Stream.of(
        Arguments.of(0.0, 10.0), Arguments.of(25.0, 55.0), Arguments.of(50.0, 100.0), Arguments.of(75.0, 162.5),
        Arguments.of(90.0, 200.0), Arguments.of(95.0, 350.0), Arguments.of(100.0, 500.0));
  }

  @ParameterizedTest(name = "p{0} -> {1}")
  @MethodSource("interpolation")
  void empiricalInterpolatesLinearlyBetweenRows(double p, double expected) {
    Empirical e = QuerySizeDistribution.empirical(List.of(new PercentilePoint(0, 10), new PercentilePoint(50, 100),
        new PercentilePoint(90, 200), new PercentilePoint(100, 500)));
    assertThat(e.quantile(p)).isCloseTo(expected, within(1e-9));
  }

  @Test
  void empiricalOutsideTheTableUsesTheEndRows() {
    Empirical e = QuerySizeDistribution.empirical(List.of(new PercentilePoint(10, 40), new PercentilePoint(90, 80)));
    assertThat(e.quantile(0)).isEqualTo(40);
    assertThat(e.quantile(5)).isEqualTo(40);
    assertThat(e.quantile(95)).isEqualTo(80);
  }

  @Test
  void empiricalSamplesFollowTheTable() {
    Empirical e = QuerySizeDistribution.empirical(List.of(new PercentilePoint(0, 10), new PercentilePoint(50, 100),
        new PercentilePoint(100, 300)));
    int[] v = draw(e, 9);
    assertThat(median(v)).isCloseTo(100, within(4.0));
    long below55 = Arrays.stream(v).filter(x -> x <= 55).count(); // p25 = 55
    assertThat((double) below55 / N).isCloseTo(0.25, within(0.02));
  }

  @Test
  void sameSeedSameSizes() {
    QuerySizeDistribution d = QuerySizeDistribution.defaultDistribution();
    assertThat(draw(d, 42)).isEqualTo(draw(d, 42)).isNotEqualTo(draw(d, 43));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of((Runnable) () -> QuerySizeDistribution.fixed(0), "items must be in [1, 1024]"),
        Arguments.of((Runnable) () -> QuerySizeDistribution.fixed(1025), "items must be in [1, 1024]"),
        Arguments.of((Runnable) () -> QuerySizeDistribution.lognormal(5, -1), "sigma must be >= 0"),
        Arguments.of((Runnable) () -> QuerySizeDistribution.normal(Double.NaN, 1), "mean must be a finite number"),
        Arguments.of((Runnable) () -> QuerySizeDistribution.empirical(List.of(new PercentilePoint(0, 1))),
            "at least 2 rows"),
        Arguments.of((Runnable) () -> QuerySizeDistribution.empirical(
            List.of(new PercentilePoint(50, 1), new PercentilePoint(50, 2))), "strictly increasing"),
        Arguments.of((Runnable) () -> QuerySizeDistribution.empirical(
            List.of(new PercentilePoint(0, 9), new PercentilePoint(50, 2))), "must not decrease"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void invalidParametersAreRefusedNamingTheField(Runnable build, String message) {
    assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
