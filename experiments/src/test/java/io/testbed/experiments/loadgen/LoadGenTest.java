package io.testbed.experiments.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.protocol.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

class LoadGenTest {
  private static final long MS = 1_000_000L;
  private final VirtualTicker ticker = new VirtualTicker(5_000 * MS);

  private ScenarioResult run(LoadGenSettings s, SystemUnderTest sut) throws InterruptedException {
    return new LoadGen(ticker).run(s, sut);
  }

  @Test
  void singleStreamIssuesBackToBack() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(0).minQueryCount(100).build();
    ScenarioResult r = run(s, SimulatedSut.fixed(ticker, 2 * MS));

    assertThat(r.records()).hasSize(100);
    for (int i = 0; i < r.records().size(); i++) {
      QueryRecord q = r.records().get(i);
      assertThat(q.latencyNs()).isEqualTo(2 * MS);
      assertThat(q.scheduledNs()).isEqualTo(q.issuedNs());
      assertThat(q.sampleCount()).isEqualTo(1);
      if (i > 0) assertThat(q.issuedNs()).isEqualTo(r.records().get(i - 1).completedNs());
    }
    assertThat(r.durationNs()).isEqualTo(200 * MS);
  }

  @Test
  void stopsOnlyWhenBothMinDurationAndMinQueryCountAreMet() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(1000).minQueryCount(10).build();
    ScenarioResult r = run(s, SimulatedSut.fixed(ticker, 2 * MS));
    // Queries go out at 0, 2, ..., 1000 ms: the one at 1000 ms is the first at or past the min duration.
    assertThat(r.records()).hasSize(501);
    assertThat(r.finalQueryIssuedNs()).isEqualTo(1000 * MS);

    LoadGenSettings many = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(10).minQueryCount(300).build();
    assertThat(run(many, SimulatedSut.fixed(ticker, 2 * MS)).records()).hasSize(300);
  }

  @Test
  void maxLimitsCutTheRunShort() throws Exception {
    LoadGenSettings byCount = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(1000).maxQueryCount(7).build();
    assertThat(run(byCount, SimulatedSut.fixed(ticker, 2 * MS)).records()).hasSize(7);
    LoadGenSettings byTime = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(1000).maxDurationMs(100).build();
    ScenarioResult r = run(byTime, SimulatedSut.fixed(ticker, 2 * MS));
    assertThat(r.records()).hasSize(50);
    assertThat(r.finalQueryIssuedNs()).isLessThan(100 * MS);
  }

  @Test
  void multiStreamSendsEightSamplesPerQueryBackToBack() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.MULTI_STREAM).minDurationMs(0).minQueryCount(50).build();
    ScenarioResult r = run(s, SimulatedSut.fixed(ticker, 3 * MS));
    assertThat(r.records()).hasSize(50).allSatisfy(q -> assertThat(q.sampleCount()).isEqualTo(8));
    for (int i = 1; i < r.records().size(); i++) {
      assertThat(r.records().get(i).issuedNs()).isEqualTo(r.records().get(i - 1).completedNs());
    }
  }

  @Test
  void serverGapsAreExponentialWithTheConfiguredMean() throws Exception {
    double qps = 1000;
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(qps).latencyBoundMs(100).minDurationMs(0)
        .minQueryCount(20_000).seed(42).build();
    SimulatedSut sut = SimulatedSut.fixed(ticker, 50 * MS);
    ScenarioResult r = run(s, sut);

    assertThat(r.records()).hasSize(20_000);
    double[] gapsS = new double[r.records().size() - 1];
    for (int i = 1; i < r.records().size(); i++) {
      gapsS[i - 1] = (r.records().get(i).scheduledNs() - r.records().get(i - 1).scheduledNs()) / 1e9;
    }
    double mean = java.util.Arrays.stream(gapsS).average().orElseThrow();
    assertThat(mean).isCloseTo(1 / qps, within(0.03 / qps));
    double pValue = new KolmogorovSmirnovTest().kolmogorovSmirnovTest(new ExponentialDistribution(null, 1 / qps), gapsS);
    assertThat(pValue).isGreaterThan(0.01);
    // Open loop: queries pile up behind a slow SUT (50 ms at 1000 QPS means ~50 in flight), nothing caps them.
    assertThat(sut.maxOutstanding).isGreaterThan(30);
    // On simulated time every query goes out exactly when scheduled, and latency counts from that time.
    assertThat(r.records()).allSatisfy(q -> {
      assertThat(q.issuedNs()).isEqualTo(q.scheduledNs());
      assertThat(q.latencyNs()).isEqualTo(50 * MS);
    });
  }

  @Test
  void serverLatencyCountsFromTheScheduledTimeNotTheIssueTime() throws Exception {
    // A SUT whose issue() itself takes 3 ms delays later issues; their latency must include that delay.
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(2000).latencyBoundMs(100).minDurationMs(0)
        .minQueryCount(200).build();
    SystemUnderTest slowIssue = (q, c) -> {
      ticker.advance(3 * MS);
      ticker.scheduleAfter(MS, () -> c.complete(QueryOutcome.ok("sim-1", "cpu")));
    };
    ScenarioResult r = run(s, slowIssue);
    assertThat(r.records()).anySatisfy(q -> assertThat(q.issueDelayNs()).isGreaterThan(0));
    assertThat(r.records()).allSatisfy(q -> assertThat(q.latencyNs()).isEqualTo(q.completedNs() - q.scheduledNs()));
    assertThat(r.records()).allSatisfy(q -> assertThat(q.latencyNs()).isGreaterThanOrEqualTo(4 * MS));
  }

  @Test
  void sameSeedSameScheduleOtherSeedOtherSchedule() throws Exception {
    LoadGenSettings.Builder b = LoadGenSettings.builder(Scenario.SERVER).targetQps(100).latencyBoundMs(100)
        .minDurationMs(0).minQueryCount(50);
    List<Long> a = schedule(b.seed(7).build());
    List<Long> same = schedule(b.seed(7).build());
    List<Long> other = schedule(b.seed(8).build());
    assertThat(same).isEqualTo(a);
    assertThat(other).isNotEqualTo(a);
  }

  private List<Long> schedule(LoadGenSettings s) throws InterruptedException {
    return new LoadGen(new VirtualTicker()).run(s, (q, c) -> c.complete(QueryOutcome.ok("d", "cpu"))).records().stream()
        .map(QueryRecord::scheduledNs).toList();
  }

  @Test
  void offlineIssuesOneQueryWithAllSamples() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.OFFLINE).offlineSamples(500).minDurationMs(0).build();
    ScenarioResult r = run(s, SimulatedSut.fixed(ticker, 40 * MS));
    assertThat(r.records()).hasSize(1);
    assertThat(r.records().get(0).sampleCount()).isEqualTo(500);
    assertThat(r.durationNs()).isEqualTo(40 * MS);
  }

  @Test
  void accuracyModeIssuesEverySampleExactlyOnce() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.MULTI_STREAM).mode(TestMode.ACCURACY).datasetSamples(100)
        .minQueryCount(1000).minDurationMs(60_000).build();
    ScenarioResult r = run(s, SimulatedSut.fixed(ticker, MS));
    assertThat(r.records()).hasSize(13); // 12 x 8 + 1 x 4
    List<Integer> all = new ArrayList<>();
    r.records().forEach(q -> all.addAll(q.sampleIndices()));
    assertThat(all).hasSize(100).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(all)).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).boxed().toList());
  }

  @Test
  void aQueryWithoutCompletionTimesOutAndALateCompletionIsIgnored() throws Exception {
    List<QueryCompletion> held = new ArrayList<>();
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(0).minQueryCount(5)
        .queryTimeoutMs(100).build();
    SystemUnderTest sut = (q, c) -> {
      if (q.id() == 2) {
        held.add(c);
        ticker.scheduleAfter(500 * MS, () -> c.complete(QueryOutcome.ok("sim-1", "cpu")));
      } else {
        ticker.scheduleAfter(MS, () -> c.complete(QueryOutcome.ok("sim-1", "cpu")));
      }
    };
    ScenarioResult r = run(s, sut);
    assertThat(r.records()).hasSize(5);
    QueryRecord timedOut = r.records().get(2);
    assertThat(timedOut.outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(timedOut.latencyNs()).isEqualTo(100 * MS);
    assertThat(r.records().get(3).issuedNs()).isEqualTo(timedOut.completedNs());
    // The held completion fires at 500 ms, after the run ended; completing again is harmless.
    held.get(0).complete(QueryOutcome.ok("sim-1", "cpu"));
    assertThat(r.records().stream().filter(QueryRecord::succeeded).count()).isEqualTo(4);
  }

  @Test
  void lateCompletionsDuringTheRunAreCounted() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(100).latencyBoundMs(50).minDurationMs(0)
        .minQueryCount(50).queryTimeoutMs(20).build();
    SimulatedSut sut = new SimulatedSut(ticker, id -> id == 0 ? 30 * MS : MS);
    ScenarioResult r = run(s, sut);
    assertThat(r.records().get(0).outcome()).isEqualTo(Outcome.TIMEOUT);
    assertThat(r.lateCompletions()).isEqualTo(1);
  }

  @Test
  void aThrowingSutGivesAFailedRecordNotACrash() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(0).minQueryCount(3).build();
    ScenarioResult r = run(s, (q, c) -> {
      throw new IllegalStateException("device gone");
    });
    assertThat(r.records()).hasSize(3).allSatisfy(q -> {
      assertThat(q.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(q.reason()).contains("device gone");
    });
  }

  @Test
  void timelineActionsFireAtTheirTimesAndFailuresAreRecorded() throws Exception {
    List<Long> firedAt = new ArrayList<>();
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(100).minQueryCount(1).build();
    LoadGen lg = new LoadGen(ticker);
    long start = ticker.nowNs();
    ScenarioResult r = lg.run(s, SimulatedSut.fixed(ticker, 7 * MS), List.of(
        new TimedAction(50 * MS, "interference", () -> firedAt.add(ticker.nowNs() - start)),
        new TimedAction(20 * MS, "network", () -> {
          throw new IllegalArgumentException("no such profile");
        })));
    assertThat(firedAt).containsExactly(50 * MS);
    assertThat(r.events()).extracting(AppliedEvent::name).containsExactly("network", "interference");
    assertThat(r.events().get(0).firedNs()).isEqualTo(20 * MS);
    assertThat(r.events().get(0).error()).contains("no such profile");
    assertThat(r.events().get(1).error()).isNull();
  }

  @Test
  void cancelStopsTheRunAndFailsWhatIsOutstanding() throws Exception {
    LoadGen lg = new LoadGen(ticker);
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(1000).latencyBoundMs(100).minDurationMs(0)
        .minQueryCount(10_000).build();
    SimulatedSut sut = SimulatedSut.fixed(ticker, 10 * MS);
    ticker.schedule(ticker.nowNs() + 200 * MS, () -> lg.cancel("device phone-1 lost"));
    ScenarioResult r = lg.run(s, sut);
    assertThat(r.aborted()).isTrue();
    assertThat(r.abortReason()).isEqualTo("device phone-1 lost");
    assertThat(r.records().size()).isLessThan(10_000).isGreaterThan(100);
    assertThat(r.records()).anySatisfy(q -> assertThat(q.reason()).isEqualTo("aborted: device phone-1 lost"));
  }

  @Test
  void performanceModeDrawsSampleIndicesFromTheDataset() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).datasetSamples(10).minDurationMs(0)
        .minQueryCount(200).build();
    ScenarioResult r = run(s, SimulatedSut.fixed(ticker, MS));
    TreeSet<Integer> seen = new TreeSet<>();
    r.records().forEach(q -> seen.addAll(q.sampleIndices()));
    assertThat(seen.first()).isGreaterThanOrEqualTo(0);
    assertThat(seen.last()).isLessThan(10);
    assertThat(seen).hasSize(10);
  }
}
