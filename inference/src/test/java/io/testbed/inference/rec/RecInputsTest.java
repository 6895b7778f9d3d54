package io.testbed.inference.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Index generators and query generation: seeded, in range, and power-law skew calibrated to cache hit rates. */
class RecInputsTest {
  private static final long ROWS = 125_000; // an RMC1 table at the default scale
  private static final int SAMPLES = 400_000;

  /** Share of the samples taken by the {@code hottest} most frequent rows. */
  private static double topCoverage(IndexDistribution d, long rows, long hottest, int table, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<Long, Integer> counts = new HashMap<>();
    for (int i = 0; i < SAMPLES; i++) {
      long row = d.next(r, rows, table);
      assertThat(row).isBetween(0L, rows - 1);
      counts.merge(row, 1, Integer::sum);
    }
    int[] c = counts.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    long top = 0;
    for (int i = c.length - 1; i >= Math.max(0, c.length - hottest); i--) top += c[i];
    return (double) top / SAMPLES;
  }

  @Test
  void powerLawPresetsSpanTheCacheHitRatesOfRecNmp() {
    long hottest = ROWS / 100;
    double low = topCoverage(IndexDistribution.powerLaw(IndexDistribution.ALPHA_LOW), ROWS, hottest, 0, 1);
    double medium = topCoverage(IndexDistribution.powerLaw(IndexDistribution.ALPHA_MEDIUM), ROWS, hottest, 0, 1);
    double high = topCoverage(IndexDistribution.powerLaw(IndexDistribution.ALPHA_HIGH), ROWS, hottest, 0, 1);
    // SYSTEMS.md section 3: a large cache should hit 20-60%; the presets' hottest 1% take ~23%, ~47%, ~61%
    assertThat(low).isBetween(0.20, 0.27);
    assertThat(medium).isBetween(0.43, 0.51);
    assertThat(high).isBetween(0.57, 0.65);
    for (double a : new double[] {IndexDistribution.ALPHA_LOW, IndexDistribution.ALPHA_MEDIUM, IndexDistribution.ALPHA_HIGH}) {
      IndexDistribution d = IndexDistribution.powerLaw(a);
      assertThat(topCoverage(d, ROWS, hottest, 3, 9)).as("alpha %s", a).isCloseTo(d.coverage(ROWS, hottest), org.assertj.core.data.Offset.offset(0.02));
    }
    double uniform = topCoverage(IndexDistribution.uniform(), ROWS, hottest, 0, 1);
    assertThat(uniform).isLessThan(0.04); // 1% plus the noise of the top counts at ~3 samples per row
    assertThat(IndexDistribution.uniform().coverage(ROWS, hottest)).isEqualTo(0.01);
  }

  @Test
  void powerLawForCoverageSolvesForAlpha() {
    IndexDistribution.PowerLaw d = IndexDistribution.powerLawForCoverage(ROWS, 0.01, 0.4);
    assertThat(d.coverage(ROWS, ROWS / 100)).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(topCoverage(d, ROWS, ROWS / 100, 1, 4)).isCloseTo(0.4, org.assertj.core.data.Offset.offset(0.02));
    assertThat(d.alpha()).isBetween(IndexDistribution.ALPHA_LOW, IndexDistribution.ALPHA_MEDIUM);
    assertThatThrownBy(() -> IndexDistribution.powerLawForCoverage(ROWS, 0.01, 0.005)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hotRowsDifferBetweenTablesAndAreScattered() {
    IndexDistribution d = IndexDistribution.powerLaw(IndexDistribution.ALPHA_HIGH);
    SplittableRandom r = new SplittableRandom(2);
    long[] t0 = new long[10_000], t1 = new long[10_000];
    for (int i = 0; i < t0.length; i++) {
      t0[i] = d.next(r, ROWS, 0);
      t1[i] = d.next(r, ROWS, 1);
    }
    assertThat(mode(t0)).isNotEqualTo(mode(t1));
    // not all hot rows at the start of the table
    assertThat(Arrays.stream(t0).filter(x -> x < ROWS / 100).count()).isLessThan(t0.length / 5);
  }

  private static long mode(long[] v) {
    Map<Long, Integer> c = new HashMap<>();
    for (long x : v) c.merge(x, 1, Integer::sum);
    return c.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  @Test
  void queriesAreSeededAndItemsIndependentOfTheQuerySize() {
    RecInputs in = RecInputs.of(List.of(1000L, 50L, 7L), 4, 5, IndexDistribution.powerLaw(0.9), RecInputs.Dense.GAUSSIAN, 42);
    RecBatch eight = in.batch(8, 3);
    RecBatch four = in.batch(4, 3);
    assertThat(eight.slice(0, 4)).isEqualTo(four);
    assertThat(in.batch(8, 3)).isEqualTo(eight);
    assertThat(in.batch(8, 4)).isNotEqualTo(eight);
    assertThat(RecInputs.of(List.of(1000L, 50L, 7L), 4, 5, IndexDistribution.powerLaw(0.9), RecInputs.Dense.GAUSSIAN, 43).batch(8, 3)).isNotEqualTo(eight);
    for (int i = 0; i < 8; i++) {
      for (int t = 0; t < 3; t++) {
        for (int l = 0; l < 4; l++) assertThat(eight.index(i, t, l)).isBetween(0L, new long[] {999, 49, 6}[t]);
      }
    }
    float[] dense = in.batch(2000, 0).dense();
    double mean = 0, sq = 0;
    for (float v : dense) mean += v / dense.length;
    for (float v : dense) sq += (v - mean) * (v - mean) / dense.length;
    assertThat(mean).isCloseTo(0, org.assertj.core.data.Offset.offset(0.05));
    assertThat(Math.sqrt(sq)).isCloseTo(1, org.assertj.core.data.Offset.offset(0.05));
    float[] uniform = RecInputs.of(List.of(10L), 1, 3, IndexDistribution.uniform(), RecInputs.Dense.UNIFORM, 1).batch(100, 0).dense();
    for (float v : uniform) assertThat(v).isBetween(0f, 1f);
  }

  @Test
  void batchesSliceSplitAndConcatenate() {
    RecBatch b = RecInputs.of(List.of(100L, 100L), 3, 2, IndexDistribution.uniform(), RecInputs.Dense.UNIFORM, 5).batch(10, 0);
    List<RecBatch> parts = b.split(4);
    assertThat(parts).extracting(RecBatch::items).containsExactly(4, 4, 2);
    assertThat(RecBatch.concat(parts)).isEqualTo(b);
    assertThat(b.slice(4, 8)).isEqualTo(parts.get(1));
    assertThat(b.slice(9, 10).index(0, 1, 2)).isEqualTo(b.index(9, 1, 2));
    assertThatThrownBy(() -> b.slice(3, 3)).hasMessage("slice [3, 3) of a batch of 10 items");
    assertThatThrownBy(() -> new RecBatch(2, 2, 2, 3, new float[4], new long[11]))
        .hasMessage("indices must hold items x tables x lookups = 12 ids, has 11");
    long[] ids = b.indices();
    ids[0] = -5; // a copy: the batch is unchanged
    assertThat(b.indices()[0]).isNotEqualTo(-5);
  }
}
