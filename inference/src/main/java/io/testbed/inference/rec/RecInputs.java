package io.testbed.inference.rec;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic queries for a recommendation model: row ids from an {@link IndexDistribution} per table,
 * dense features uniform in [0, 1) or N(0, 1). Item i of query q depends only on (seed, q, i), so a query's first
 * items do not change with its size.
 */
public final class RecInputs {
  /** How dense features are drawn. */
  public enum Dense { UNIFORM, GAUSSIAN }

  private final List<Long> rows;
  private final int lookups;
  private final int denseFeatures;
  private final IndexDistribution indices;
  private final Dense dense;
  private final long seed;

  private RecInputs(List<Long> rows, int lookups, int denseFeatures, IndexDistribution indices, Dense dense, long seed) {
    if (rows.isEmpty() || lookups <= 0 || denseFeatures < 0) throw new IllegalArgumentException("need tables, lookups > 0 and denseFeatures >= 0");
    if (indices == null || dense == null) throw new IllegalArgumentException("index distribution and dense kind are required");
    this.rows = List.copyOf(rows);
    this.lookups = lookups;
    this.denseFeatures = denseFeatures;
    this.indices = indices;
    this.dense = dense;
    this.seed = seed;
  }

  /** Inputs for a built model. */
  public static RecInputs of(RecModel model, IndexDistribution indices, Dense dense, long seed) {
    return new RecInputs(model.rows(), model.lookups(), model.denseFeatures(), indices, dense, seed);
  }

  /** Inputs for any table layout (rows per table), e.g. for cache or trace studies without a model. */
  public static RecInputs of(List<Long> rows, int lookups, int denseFeatures, IndexDistribution indices, Dense dense, long seed) {
    return new RecInputs(rows, lookups, denseFeatures, indices, dense, seed);
  }

  /** Uniform row ids, uniform dense features. */
  public static RecInputs uniform(RecModel model, long seed) { return of(model, IndexDistribution.uniform(), Dense.UNIFORM, seed); }

  /** Power-law row ids with exponent alpha (see {@link IndexDistribution#ALPHA_MEDIUM}), uniform dense features. */
  public static RecInputs powerLaw(RecModel model, double alpha, long seed) {
    return of(model, IndexDistribution.powerLaw(alpha), Dense.UNIFORM, seed);
  }

  public IndexDistribution indexDistribution() { return indices; }

  /** Query {@code query} of {@code items} items. */
  public RecBatch batch(int items, long query) {
    if (items <= 0) throw new IllegalArgumentException("items must be > 0, was " + items);
    int tables = rows.size();
    float[] d = new float[Math.multiplyExact(items, denseFeatures)];
    long[] idx = new long[Math.multiplyExact(items, tables * lookups)];
    for (int i = 0; i < items; i++) {
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + query * 0xBF58476D1CE4E5B9L + (i + 1) * 0x94D049BB133111EBL);
      for (int f = 0; f < denseFeatures; f++) d[i * denseFeatures + f] = (float) (dense == Dense.UNIFORM ? r.nextDouble() : r.nextGaussian());
      int at = i * tables * lookups;
      for (int t = 0; t < tables; t++) {
        for (int l = 0; l < lookups; l++) idx[at++] = indices.next(r, rows.get(t), t);
      }
    }
    return new RecBatch(items, denseFeatures, tables, lookups, d, idx);
  }
}
