package io.testbed.experiments.analysis;

import static io.testbed.experiments.analysis.Traces.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.ScenarioResult;
import io.testbed.experiments.loadgen.TestMode;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisTest {
  private static final SummaryOptions OPTS = SummaryOptions.named("test-sut");

  private static LoadGenSettings.Builder ss() {
    return LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(0).minQueryCount(1);
  }

  /** 1024 queries: every tenth takes 5 ms, the rest 1 ms. */
  private static long[] tenPercentSlow() {
    long[] lat = new long[1024];
    for (int i = 0; i < lat.length; i++) lat[i] = i % 10 == 9 ? 5 * MS : MS;
    return lat;
  }

  @Test
  void singleStreamTraceIsValidWithExactP90AndEarlyStoppingEstimate() {
    Summary s = Analysis.summarize(Traces.backToBack(ss().build(), tenPercentSlow()), OPTS);
    assertThat(s.result()).isEqualTo("VALID");
    assertThat(s.invalidReasons()).isEmpty();
    assertThat(s.metricName()).isEqualTo("90th percentile latency (ns)");
    assertThat(s.metricValue()).isEqualTo(MS); // 922 of 1024 are 1 ms: sorted[921] is still 1 ms
    assertThat(s.latency().percentileNs(0.99)).isEqualTo(5 * MS);
    assertThat(s.latency().minNs()).isEqualTo(MS);
    assertThat(s.latency().maxNs()).isEqualTo(5 * MS);
    assertThat(s.latency().meanNs()).isEqualTo((922 * MS + 102 * 5 * MS) / 1024);
    // 102 slow queries are more than early stopping may discard at 1024 queries: the estimate is 5 ms.
    assertThat(s.earlyStoppingEstimateNs()).isEqualTo(5 * MS);
    assertThat(s.earlyStopping()).isEqualTo(Check.YES);
    assertThat(s.performanceConstraints()).isEqualTo(Check.NOT_APPLICABLE);
    assertThat(s.qpsWithoutLoadgenOverhead()).isCloseTo(1e9 / s.latency().meanNs(), within(1e-6));
    assertThat(s.higherIsBetter()).isFalse();
  }

  @Test
  void tooFewQueriesForEarlyStoppingIsInvalid() {
    Summary s = Analysis.summarize(Traces.backToBack(ss().build(), Traces.fill(50, MS)), OPTS);
    assertThat(s.result()).isEqualTo("INVALID");
    assertThat(s.earlyStopping()).isEqualTo(Check.NO);
    assertThat(s.invalidReasons()).anyMatch(r -> r.startsWith("early stopping not met: need at least 64 queries"));
    Summary off = Analysis.summarize(Traces.backToBack(ss().earlyStopping(false).build(), Traces.fill(50, MS)), OPTS);
    assertThat(off.result()).isEqualTo("VALID");
    assertThat(off.earlyStopping()).isEqualTo(Check.SKIPPED);
  }

  @Test
  void minDurationAndMinQueriesAreChecked() {
    LoadGenSettings s = ss().minDurationMs(1000).minQueryCount(2000).build();
    Summary sum = Analysis.summarize(Traces.backToBack(s, Traces.fill(500, MS)), OPTS);
    assertThat(sum.result()).isEqualTo("INVALID");
    assertThat(sum.minDuration()).isEqualTo(Check.NO);
    assertThat(sum.minQueries()).isEqualTo(Check.NO);
    assertThat(sum.invalidReasons()).contains("min duration not met: 499.0 ms < 1000 ms", "min queries not met: 500 < 2000");
  }

  private static LoadGenSettings server(double boundMs) {
    return LoadGenSettings.builder(Scenario.SERVER).targetQps(1000).latencyBoundMs(boundMs).minDurationMs(0)
        .minQueryCount(1).build();
  }

  @Test
  void serverTraceWithinTheBoundIsValid() {
    long[] lat = Traces.fill(2500, 5 * MS);
    for (int i = 0; i < 10; i++) lat[i * 200] = 20 * MS; // 0.4 % over a 10 ms bound
    Summary s = Analysis.summarize(Traces.arrivals(server(10), MS, lat), OPTS);
    assertThat(s.result()).isEqualTo("VALID");
    assertThat(s.performanceConstraints()).isEqualTo(Check.YES);
    assertThat(s.overLatencyCount()).isEqualTo(10);
    assertThat(s.targetPercentileLatencyNs()).isEqualTo(5 * MS);
    assertThat(s.earlyStoppingResult()).contains("Run successful");
    assertThat(s.metricName()).isEqualTo("Completed samples per second");
    assertThat(s.completedSamplesPerSecond()).isCloseTo(2499 / ((2499 * MS + 5 * MS) / 1e9), within(1e-6));
  }

  @Test
  void serverTraceOverTheBoundIsInvalid() {
    long[] lat = Traces.fill(2500, 5 * MS);
    for (int i = 0; i < 30; i++) lat[i * 80] = 20 * MS; // 1.2 % over: p99 lands on a slow query
    Summary s = Analysis.summarize(Traces.arrivals(server(10), MS, lat), OPTS);
    assertThat(s.result()).isEqualTo("INVALID");
    assertThat(s.performanceConstraints()).isEqualTo(Check.NO);
    assertThat(s.invalidReasons()).anyMatch(r -> r.startsWith("latency constraint failed: 99th percentile 20000000 ns"));
    assertThat(s.recommendations()).contains("Reduce target QPS to improve latency.");
  }

  @Test
  void serverEarlyStoppingNeedsEnoughQueriesForItsOverLatencyCount() {
    // 10 over the bound need h(10) + 10 = 2010 queries at p = 0.99; 2000 are not enough although p99 is fine.
    long[] lat = Traces.fill(2000, 5 * MS);
    for (int i = 0; i < 10; i++) lat[i * 150] = 20 * MS;
    Summary s = Analysis.summarize(Traces.arrivals(server(10), MS, lat), OPTS);
    assertThat(s.performanceConstraints()).isEqualTo(Check.YES);
    assertThat(s.earlyStopping()).isEqualTo(Check.NO);
    assertThat(s.result()).isEqualTo("INVALID");
  }

  @Test
  void failedQueriesInvalidateUnlessAllowedAndCountAsOverTheBound() {
    long[] lat = Traces.fill(2500, 5 * MS);
    lat[7] = -5 * MS;
    Summary strict = Analysis.summarize(Traces.arrivals(server(10), MS, lat), OPTS);
    assertThat(strict.result()).isEqualTo("INVALID");
    assertThat(strict.failedQueriesCheck()).isEqualTo(Check.NO);
    assertThat(strict.failedQueries()).isEqualTo(1);
    assertThat(strict.overLatencyCount()).isEqualTo(1);
    assertThat(strict.invalidReasons()).anyMatch(r -> r.startsWith("too many failed queries: 1 of 2500"));
    LoadGenSettings lenient = server(10).toBuilder().maxFailedFraction(0.01).build();
    Summary ok = Analysis.summarize(Traces.arrivals(lenient, MS, lat), OPTS);
    assertThat(ok.result()).isEqualTo("VALID");
    assertThat(ok.latency().count()).isEqualTo(2499);
  }

  @Test
  void multiStreamUsesPerQueryP99() {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.MULTI_STREAM).minDurationMs(0).minQueryCount(1).build();
    long[] lat = Traces.fill(700, 8 * MS);
    lat[100] = 30 * MS;
    Summary sum = Analysis.summarize(Traces.backToBack(s, lat), OPTS);
    assertThat(sum.result()).isEqualTo("VALID");
    assertThat(sum.metricName()).isEqualTo("99th percentile latency (ns)");
    assertThat(sum.metricValue()).isEqualTo(8 * MS);
    assertThat(sum.sampleCount()).isEqualTo(700 * 8);
    assertThat(sum.earlyStoppingEstimateNs()).isEqualTo(30 * MS); // at 700 queries nothing may be discarded
  }

  @Test
  void offlineReportsSamplesPerSecond() {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.OFFLINE).offlineSamples(1000).minDurationMs(1000).build();
    Summary sum = Analysis.summarize(Traces.backToBack(s, new long[] {2000 * MS}), OPTS);
    assertThat(sum.result()).isEqualTo("VALID");
    assertThat(sum.metricValue()).isCloseTo(500.0, within(1e-9));
    assertThat(sum.earlyStopping()).isEqualTo(Check.NOT_APPLICABLE);
    Summary tooShort = Analysis.summarize(Traces.backToBack(s, new long[] {500 * MS}), OPTS);
    assertThat(tooShort.minDuration()).isEqualTo(Check.NO);
  }

  @Test
  void accuracyModeComparesDigestsWithTheReference() {
    LoadGenSettings s = ss().mode(TestMode.ACCURACY).datasetSamples(100).build();
    ScenarioResult run = Traces.backToBack(s, Traces.fill(100, MS));
    Map<List<Integer>, String> ref = new HashMap<>();
    for (QueryRecord r : run.records()) ref.put(r.sampleIndices(), r.queryId() < 97 ? r.digest() : "other");
    SummaryOptions opts = new SummaryOptions("sut", 0, 0.95, AccuracyReference.of(ref));
    Summary sum = Analysis.summarize(run, opts);
    assertThat(sum.accuracy().matched()).isEqualTo(97);
    assertThat(sum.accuracy().accuracy()).isCloseTo(0.97, within(1e-12));
    assertThat(sum.accuracyTarget()).isEqualTo(Check.YES);
    assertThat(sum.minDuration()).isEqualTo(Check.SKIPPED);
    assertThat(sum.result()).isEqualTo("VALID");
    Summary strict = Analysis.summarize(run, new SummaryOptions("sut", 0, 0.99, AccuracyReference.of(ref)));
    assertThat(strict.result()).isEqualTo("INVALID");
    assertThat(strict.invalidReasons()).contains("accuracy below target: 0.9700 < 0.9900");
  }

  @Test
  void anFp32AccuracyRunIsTheReferenceForAnInt8Run() throws Exception {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.MULTI_STREAM).mode(TestMode.ACCURACY).datasetSamples(64)
        .build();
    io.testbed.experiments.loadgen.VirtualTicker ticker = new io.testbed.experiments.loadgen.VirtualTicker();
    // The "model" output depends on the samples; the INT8 variant gets the query holding sample 13 wrong.
    ScenarioResult fp32 = new io.testbed.experiments.loadgen.LoadGen(ticker).run(s, (q, c) -> c.complete(
        io.testbed.experiments.loadgen.QueryOutcome.ok("cloud-1", "cpu").withDigest("out" + q.sampleIndices())));
    ScenarioResult int8 = new io.testbed.experiments.loadgen.LoadGen(ticker).run(s, (q, c) -> c.complete(
        io.testbed.experiments.loadgen.QueryOutcome.ok("phone-1", "dsp")
            .withDigest(q.sampleIndices().contains(13) ? "wrong" : "out" + q.sampleIndices())));
    Summary sum = Analysis.summarize(int8,
        new SummaryOptions("phone-1/dsp", 0, 0.8, AccuracyReference.fromRun(fp32.records())));
    assertThat(sum.accuracy().queries()).isEqualTo(8);
    assertThat(sum.accuracy().matched()).isEqualTo(7);
    assertThat(sum.accuracy().missingReference()).isZero();
    assertThat(sum.result()).isEqualTo("VALID");
    assertThat(MlperfSummaryWriter.render(sum)).contains("Mode     : AccuracyOnly", "  Accuracy satisfied : Yes",
        "(7 of 8 match the FP32 reference)");
  }

  @Test
  void energyAndQosViolationsAreReported() {
    LoadGenSettings s = ss().build();
    ScenarioResult base = Traces.backToBack(s, Traces.fill(100, MS));
    List<QueryRecord> rs = new ArrayList<>();
    for (QueryRecord r : base.records()) {
      boolean cloud = r.queryId() % 2 == 0;
      long lat = r.queryId() < 10 ? 3 * MS : MS;
      rs.add(new QueryRecord(r.queryId(), 1, r.sampleIndices(), r.scheduledNs(), r.issuedNs(), r.scheduledNs() + lat,
          lat, cloud ? "cloud-1" : "phone-1", "cpu", Outcome.OK, null, cloud ? 0.5 : 0.1,
          cloud ? PowerSource.METERED : PowerSource.MODELLED, null));
    }
    ScenarioResult run = new ScenarioResult(s, rs, base.finalQueryScheduledNs(), base.finalQueryIssuedNs(),
        base.durationNs(), 0, List.of(), null);
    Summary sum = Analysis.summarize(run, new SummaryOptions("sut", 2 * MS, null, null));
    assertThat(sum.qosViolationRate()).isCloseTo(0.10, within(1e-12));
    assertThat(sum.energy().perDeviceMeanJ().get("cloud-1")).isCloseTo(0.5, within(1e-12));
    assertThat(sum.energy().perDeviceMeanJ().get("phone-1")).isCloseTo(0.1, within(1e-12));
    assertThat(sum.energy().meanJPerQuery()).isCloseTo(0.3, within(1e-12));
    assertThat(sum.energy().sources()).containsExactly("metered", "modelled");
  }

  @Test
  void anAbortedRunIsInvalid() {
    ScenarioResult r = Traces.backToBack(ss().earlyStopping(false).build(), Traces.fill(10, MS));
    ScenarioResult aborted = new ScenarioResult(r.settings(), r.records(), r.finalQueryScheduledNs(),
        r.finalQueryIssuedNs(), r.durationNs(), 0, List.of(), "device phone-1 lost");
    Summary s = Analysis.summarize(aborted, OPTS);
    assertThat(s.result()).isEqualTo("INVALID");
    assertThat(s.invalidReasons()).contains("aborted: device phone-1 lost");
  }
}
