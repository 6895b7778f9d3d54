package io.testbed.experiments.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.TestMode;
import org.junit.jupiter.api.Test;

class ProgressEstimateTest {
  static final long S = 1_000_000_000L;

  @Test
  void singleStreamTotalIsTheLargerOfMinCountAndRateTimesMinDuration() {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(10_000).minQueryCount(100).build();
    // 50 queries in 1 s: 500 by duration beats 100 by count; 9 s left, then 2 more repetitions of 10 s
    ProgressEstimate e = ProgressEstimate.of(s, 50, S, 2);
    assertThat(e.queriesTotal()).isEqualTo(500);
    assertThat(e.etaSeconds()).isCloseTo(9 + 20, within(1e-9));
    // slow device: 5 queries in 1 s -> the count rules: 100 queries, 20 s per repetition
    ProgressEstimate slow = ProgressEstimate.of(s, 5, S, 0);
    assertThat(slow.queriesTotal()).isEqualTo(100);
    assertThat(slow.etaSeconds()).isCloseTo(19, within(1e-9));
  }

  @Test
  void maxLimitsCapTheTotal() {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(10_000).minQueryCount(100)
        .maxQueryCount(300).build();
    assertThat(ProgressEstimate.of(s, 50, S, 0).queriesTotal()).isEqualTo(300);
    LoadGenSettings d = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(10_000).minQueryCount(100)
        .maxDurationMs(4_000).build();
    assertThat(ProgressEstimate.of(d, 50, S, 0).queriesTotal()).isEqualTo(200);
  }

  @Test
  void serverUsesTheTargetRateFromTheStart() {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(50).latencyBoundMs(100).minDurationMs(10_000)
        .minQueryCount(200).build();
    ProgressEstimate e = ProgressEstimate.of(s, 0, 0, 0);
    assertThat(e.queriesTotal()).isEqualTo(500);
    assertThat(e.etaSeconds()).isCloseTo(10, within(1e-9));
  }

  @Test
  void unknownUntilThereIsARateOfflineAndAccuracyHaveFixedCounts() {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).build();
    assertThat(ProgressEstimate.of(s, 0, 0, 0)).isEqualTo(new ProgressEstimate(null, null));
    assertThat(ProgressEstimate.of(LoadGenSettings.builder(Scenario.OFFLINE).build(), 0, S, 0).queriesTotal()).isEqualTo(1);
    LoadGenSettings acc = LoadGenSettings.builder(Scenario.MULTI_STREAM).mode(TestMode.ACCURACY).datasetSamples(100)
        .samplesPerQuery(8).build();
    ProgressEstimate a = ProgressEstimate.of(acc, 5, S, 0);
    assertThat(a.queriesTotal()).isEqualTo(13);
    assertThat(a.etaSeconds()).isCloseTo(13 / 5.0 - 1, within(1e-9));
  }
}
