package io.testbed.experiments.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.analysis.Analysis;
import io.testbed.experiments.analysis.Summary;
import io.testbed.experiments.analysis.SummaryOptions;
import io.testbed.protocol.Outcome;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LoadGen on real time against a system that completes on other threads after known latencies. Asserts ordering and
 * accounting, never speed.
 */
class LoadGenRealTimeIT {
  private static final long MS = 1_000_000L;
  private final ScheduledExecutorService pool = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() { pool.shutdownNow(); }

  private SystemUnderTest after(long latencyNs) {
    return (q, c) -> pool.schedule(() -> c.complete(QueryOutcome.ok("host", "cpu")), latencyNs, TimeUnit.NANOSECONDS);
  }

  @Test
  void singleStreamWaitsForEachCompletionBeforeTheNextIssue() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(0).minQueryCount(100).build();
    ScenarioResult r = new LoadGen(new SystemTicker()).run(s, after(MS));
    assertThat(r.records()).hasSize(100).allSatisfy(q -> {
      assertThat(q.outcome()).isEqualTo(Outcome.OK);
      assertThat(q.latencyNs()).isGreaterThanOrEqualTo(MS);
    });
    for (int i = 1; i < r.records().size(); i++) {
      assertThat(r.records().get(i).issuedNs()).isGreaterThanOrEqualTo(r.records().get(i - 1).completedNs());
    }
  }

  @Test
  void serverIssuesOnScheduleWithQueriesOverlapping() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(500).latencyBoundMs(200).minDurationMs(500)
        .minQueryCount(200).seed(5).build();
    int[] inFlight = {0};
    int[] maxInFlight = {0};
    LoadGenListener track = new LoadGenListener() {
      @Override
      public void onIssued(Query query, long issuedNs) { maxInFlight[0] = Math.max(maxInFlight[0], ++inFlight[0]); }

      @Override
      public void onCompleted(QueryRecord record) { inFlight[0]--; }
    };
    ScenarioResult r = new LoadGen(new SystemTicker(), track).run(s, after(20 * MS));
    assertThat(r.records().size()).isGreaterThanOrEqualTo(200);
    assertThat(r.finalQueryScheduledNs()).isGreaterThanOrEqualTo(500 * MS);
    assertThat(r.records()).allSatisfy(q -> {
      assertThat(q.issuedNs()).isGreaterThanOrEqualTo(q.scheduledNs());
      assertThat(q.latencyNs()).isEqualTo(q.completedNs() - q.scheduledNs()).isGreaterThanOrEqualTo(20 * MS);
    });
    // 20 ms latency at ~500 QPS: several queries are always in flight (open loop).
    assertThat(maxInFlight[0]).isGreaterThan(2);
    Summary sum = Analysis.summarize(r, SummaryOptions.named("host"));
    assertThat(sum.queryCount()).isEqualTo(r.records().size());
    assertThat(sum.failedQueries()).isZero();
  }

  @Test
  void cancelFromAnotherThreadEndsTheRun() throws Exception {
    LoadGen lg = new LoadGen(new SystemTicker());
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(600_000).build();
    pool.schedule(() -> lg.cancel("operator stop"), 200, TimeUnit.MILLISECONDS);
    ScenarioResult r = lg.run(s, after(MS));
    assertThat(r.abortReason()).isEqualTo("operator stop");
    assertThat(r.records()).isNotEmpty();
  }
}
