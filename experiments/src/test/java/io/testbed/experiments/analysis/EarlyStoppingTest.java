package io.testbed.experiments.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.apache.commons.math3.special.Beta;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

  @ParameterizedTest(name = "p={0}: h({1}) = {2}")
  @CsvSource({
      "0.90, 0, 44", "0.90, 1, 63", "0.90, 2, 79", "0.90, 10, 187",
      "0.99, 0, 459", "0.99, 1, 661", "0.99, 2, 836", "0.99, 10, 2000"})
  void minPassingMatchesTheSystemsVectors(double p, long t, long h) {
    assertThat(EarlyStopping.minPassing(t, p, 0.99)).isEqualTo(h);
    // h is the LEAST such value: one fewer must not pass.
    assertThat(Beta.regularizedBeta(p, h, t + 1)).isLessThan(0.01);
    assertThat(Beta.regularizedBeta(p, h - 1, t + 1)).isGreaterThanOrEqualTo(0.01);
  }

  @Test
  void multiStreamNeeds662Queries() {
    long[] tooFew = new long[661];
    assertThat(EarlyStopping.estimate(tooFew, 0.99, 0.99).met()).isFalse();
    assertThat(EarlyStopping.estimate(tooFew, 0.99, 0.99).queriesNeeded()).isEqualTo(662);
    long[] enough = new long[662];
    assertThat(EarlyStopping.estimate(enough, 0.99, 0.99).met()).isTrue();
  }

  @Test
  void estimateDiscardsTheAllowedNumberOfHighestLatencies() {
    // 1000 queries with latencies 1..1000: the largest t with h(t) + t <= 1000 at p = 0.90.
    long[] lat = new long[1000];
    for (int i = 0; i < lat.length; i++) lat[i] = i + 1;
    EarlyStopping.Estimate e = EarlyStopping.estimate(lat, 0.90, 0.99);
    long t = e.t();
    assertThat(EarlyStopping.minPassing(t, 0.90, 0.99) + t).isLessThanOrEqualTo(1000);
    assertThat(EarlyStopping.minPassing(t + 1, 0.90, 0.99) + t + 1).isGreaterThan(1000);
    assertThat(e.estimateNs()).isEqualTo(lat[(int) (1000 - t)]);
    // The estimate is conservative: above the plain 90th percentile, below the maximum.
    assertThat(e.estimateNs()).isGreaterThan(lat[900]).isLessThan(1000);
    assertThat(e.recommendation()).contains("Would discard " + (t - 1) + " highest latency queries");
  }

  @Test
  void serverPassesOnlyWithEnoughQueriesForItsOverLatencyCount() {
    long h10 = EarlyStopping.minPassing(10, 0.99, 0.99);
    assertThat(EarlyStopping.server(h10 + 10, 10, 0.99, 0.99).met()).isTrue();
    EarlyStopping.Estimate fail = EarlyStopping.server(h10 + 9, 10, 0.99, 0.99);
    assertThat(fail.met()).isFalse();
    assertThat(fail.recommendation()).contains("Would need to run at least 1 more queries");
    assertThat(EarlyStopping.server(459, 0, 0.99, 0.99).met()).isTrue();
    assertThat(EarlyStopping.server(458, 0, 0.99, 0.99).met()).isFalse();
  }

  @Test
  void failedQueriesSortLastAndCountAgainstTheEstimate() {
    long[] lat = new long[700];
    Arrays.fill(lat, 5);
    lat[699] = Long.MAX_VALUE;
    EarlyStopping.Estimate e = EarlyStopping.estimate(lat, 0.99, 0.99);
    assertThat(e.met()).isTrue();
    assertThat(e.estimateNs()).isEqualTo(Long.MAX_VALUE); // t = 1 at n = 700: nothing may be discarded
  }
}
