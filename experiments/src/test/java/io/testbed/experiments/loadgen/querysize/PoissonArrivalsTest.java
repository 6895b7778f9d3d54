package io.testbed.experiments.loadgen.querysize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PoissonArrivalsTest {

  @ParameterizedTest
  @ValueSource(doubles = {5, 250, 40_000})
  void meanGapIsOneOverQps(double qps) {
    PoissonArrivals a = new PoissonArrivals(new SplittableRandom(1), qps, 0);
    int n = 20_000;
    long last = 0;
    double sumSq = 0;
    long first = a.peekNs();
    for (int i = 0; i < n; i++) {
      long t = a.nextNs();
      assertThat(t).isGreaterThanOrEqualTo(last);
      double g = (t - last) / 1e9;
      sumSq += g * g;
      last = t;
    }
    double mean = last / 1e9 / n;
    assertThat(mean).isCloseTo(1 / qps, within(0.03 / qps));
    // exponential: E[g^2] = 2 / qps^2 (a fixed-rate schedule would give 1 / qps^2)
    assertThat(sumSq / n).isCloseTo(2 / (qps * qps), within(0.15 / (qps * qps)));
    assertThat(first).isPositive();
  }

  @Test
  void rateChangeRedrawsFromTheChangeTime() {
    PoissonArrivals a = new PoissonArrivals(new SplittableRandom(2), 1, 0); // next arrival about 1 s away
    long change = 1_000; // 1 us
    a.changeRate(1_000_000, change);
    assertThat(a.qps()).isEqualTo(1_000_000);
    long t0 = a.peekNs();
    assertThat(t0).isGreaterThanOrEqualTo(change).isLessThan(change + 50_000);
    int n = 20_000;
    long t = 0;
    for (int i = 0; i < n; i++) t = a.nextNs();
    assertThat((t - change) / 1e9 / n).isCloseTo(1e-6, within(0.03e-6));
  }

  @Test
  void startTimeShiftsTheSchedule() {
    long a = new PoissonArrivals(new SplittableRandom(3), 10, 0).nextNs();
    long b = new PoissonArrivals(new SplittableRandom(3), 10, 5_000_000_000L).nextNs();
    assertThat(b - a).isEqualTo(5_000_000_000L);
  }

  @Test
  void sameSeedSameSchedule() {
    PoissonArrivals a = new PoissonArrivals(new SplittableRandom(4), 100, 0);
    PoissonArrivals b = new PoissonArrivals(new SplittableRandom(4), 100, 0);
    for (int i = 0; i < 100; i++) {
      if (i == 50) {
        a.changeRate(300, a.peekNs());
        b.changeRate(300, b.peekNs());
      }
      assertThat(a.nextNs()).isEqualTo(b.nextNs());
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void nonPositiveRateIsRefused(double qps) {
    assertThatThrownBy(() -> new PoissonArrivals(new SplittableRandom(1), qps, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qps must be > 0");
    PoissonArrivals a = new PoissonArrivals(new SplittableRandom(1), 1, 0);
    assertThatThrownBy(() -> a.changeRate(qps, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
