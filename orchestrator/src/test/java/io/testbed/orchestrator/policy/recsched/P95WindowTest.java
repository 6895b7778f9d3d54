package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class P95WindowTest {

  /** Latencies 1..n in a shuffled order, then the expected nearest-rank p95 and p99. */
  static Stream<Arguments> percentiles() {
    return Stream.of(
        Arguments.of(64, 61L, 64L), // floor(64 * 0.95) = 60 -> 61st value; floor(63.36) = 63 -> the max
        Arguments.of(100, 96L, 100L),
        Arguments.of(20, 20L, 20L),
        Arguments.of(1, 1L, 1L),
        Arguments.of(200, 191L, 199L));
  }

  @ParameterizedTest(name = "n={0}: p95={1} p99={2}")
  @MethodSource("percentiles")
  void windowReportsExactNearestRankPercentiles(int n, long p95, long p99) {
    P95Window w = new P95Window(n);
    List<Long> values = new ArrayList<>();
    for (long i = 1; i <= n; i++) values.add(i);
    Collections.shuffle(values, new Random(n));
    Optional<WindowStats> out = Optional.empty();
    for (int i = 0; i < n; i++) {
      assertThat(out).isEmpty();
      out = w.offer(0, values.get(i), 1000 + i);
    }
    assertThat(out).hasValueSatisfying(s -> {
      assertThat(s.count()).isEqualTo(n);
      assertThat(s.p95Ns()).isEqualTo(p95);
      assertThat(s.p99Ns()).isEqualTo(p99);
      assertThat(s.endNs()).isEqualTo(1000 + n - 1);
    });
  }

  @Test
  void everySixtyFourthCompletionClosesAWindowAndTheNextStartsEmpty() {
    P95Window w = new P95Window(P95Window.DEFAULT_SIZE);
    int closed = 0;
    for (int i = 1; i <= 64 * 3 + 10; i++) {
      Optional<WindowStats> s = w.offer(0, i, i);
      if (s.isPresent()) {
        closed++;
        assertThat(i % 64).isZero();
        assertThat(s.get().latenciesNs().get(0)).isEqualTo(i - 63L); // only this window's queries
      }
    }
    assertThat(closed).isEqualTo(3);
    assertThat(w.pending()).isEqualTo(10);
    assertThat(w.windowsClosed()).isEqualTo(3);
  }

  @Test
  void queriesOfAnOlderEpochAreDroppedAndANewEpochStartsEmpty() {
    P95Window w = new P95Window(4);
    w.offer(0, 5, 0);
    w.offer(0, 5, 0);
    w.beginEpoch(1);
    assertThat(w.pending()).isZero();
    assertThat(w.offer(0, 1_000_000, 1)).isEmpty(); // issued at the old load
    assertThat(w.staleDropped()).isEqualTo(1);
    w.offer(1, 1, 2);
    w.offer(1, 2, 3);
    w.offer(1, 3, 4);
    assertThat(w.offer(1, 4, 5)).hasValueSatisfying(s -> assertThat(s.latenciesNs()).containsExactly(1L, 2L, 3L, 4L));
  }

  @Test
  void aFailedQueryCountsAsInfinitelyLate() {
    P95Window w = new P95Window(20);
    Optional<WindowStats> s = Optional.empty();
    for (int i = 0; i < 18; i++) s = w.offer(0, 10, i);
    s = w.offerFailed(0, 18);
    s = w.offerFailed(0, 19);
    assertThat(s).hasValueSatisfying(x -> {
      assertThat(x.p95Ns()).isEqualTo(WindowStats.FAILED); // 2 of 20 failed: p95 (index 19) is a failure
      assertThat(x.percentileNs(0.85)).isEqualTo(10);
    });
  }
}
