package io.testbed.experiments.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.LoadGen;
import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.QueryOutcome;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.SystemUnderTest;
import io.testbed.experiments.loadgen.VirtualTicker;
import org.junit.jupiter.api.Test;

class PeakQpsSearchTest {
  private static final long MS = 1_000_000L;

  /** One FIFO server with a fixed 1 ms service time: capacity 1000 QPS, queueing delay grows near it. */
  private static Summary runAt(double qps) {
    VirtualTicker ticker = new VirtualTicker();
    long[] busyUntil = {0};
    SystemUnderTest fifo = (q, c) -> {
      long start = Math.max(ticker.nowNs(), busyUntil[0]);
      busyUntil[0] = start + MS;
      ticker.schedule(busyUntil[0], () -> c.complete(QueryOutcome.ok("cloud-1", "cpu")));
    };
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(qps).latencyBoundMs(10).minDurationMs(0)
        .minQueryCount(5000).seed(3).build();
    try {
      return Analysis.summarize(new LoadGen(ticker).run(s, fifo), SummaryOptions.named("fifo"));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void findsTheHighestValidRateOfAQueue() {
    PeakQpsSearch.Result r = new PeakQpsSearch(0.02, 30, 1).search(100, PeakQpsSearchTest::runAt);
    assertThat(r.converged()).isTrue();
    // Below capacity (1000 QPS) but well above the start: a 10 ms p99 bound allows high utilisation.
    assertThat(r.peakQps()).isGreaterThan(500).isLessThan(1000);
    assertThat(r.best().valid()).isTrue();
    for (PeakQpsSearch.Trial t : r.trials()) {
      if (t.targetQps() <= r.peakQps()) assertThat(t.valid()).as("trial at %s", t.targetQps()).isTrue();
      else assertThat(t.valid()).as("trial at %s", t.targetQps()).isFalse();
    }
    assertThat(r.trials().get(0).targetQps()).isEqualTo(100);
  }

  @Test
  void shrinksWhenTheStartRateIsAlreadyTooHigh() {
    PeakQpsSearch.Result r = new PeakQpsSearch(0.05, 30, 1).search(5000, PeakQpsSearchTest::runAt);
    assertThat(r.trials().get(0).valid()).isFalse();
    assertThat(r.peakQps()).isGreaterThan(500).isLessThan(1000);
  }

  @Test
  void reportsNothingWhenNoRateIsValid() {
    PeakQpsSearch.Result r = new PeakQpsSearch(0.05, 30, 10).search(100, q -> runAt(1e6));
    assertThat(r.peakQps()).isZero();
    assertThat(r.best()).isNull();
    assertThat(r.converged()).isFalse();
  }
}
