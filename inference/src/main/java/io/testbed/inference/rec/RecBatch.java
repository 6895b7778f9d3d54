package io.testbed.inference.rec;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of items for a recommendation model: per item {@code denseFeatures} floats and {@code tables x lookups}
 * row indices, item after item. A server splits a query of N items into sub-requests with {@link #slice} or
 * {@link #split}; the arrays are owned by the batch (constructors and slices copy).
 *
 * @param items number of items (candidates) in the batch
 * @param dense items x denseFeatures floats (empty when the model has no dense features)
 * @param indices items x tables x lookups row ids, item-major, then table, then lookup
 */
public record RecBatch(int items, int denseFeatures, int tables, int lookups, float[] dense, long[] indices) {
  public RecBatch {
    if (items <= 0) throw new IllegalArgumentException("items must be > 0, was " + items);
    if (denseFeatures < 0 || tables <= 0 || lookups <= 0) {
      throw new IllegalArgumentException("denseFeatures must be >= 0 and tables, lookups > 0, were " + denseFeatures + ", " + tables + ", " + lookups);
    }
    if (dense == null || dense.length != (long) items * denseFeatures) {
      throw new IllegalArgumentException("dense must hold items x denseFeatures = " + (long) items * denseFeatures + " floats, has " + (dense == null ? "none" : dense.length));
    }
    if (indices == null || indices.length != (long) items * tables * lookups) {
      throw new IllegalArgumentException("indices must hold items x tables x lookups = " + (long) items * tables * lookups + " ids, has "
          + (indices == null ? "none" : indices.length));
    }
    dense = dense.clone();
    indices = indices.clone();
  }

  /** Floats per item. */
  public int densePerItem() { return denseFeatures; }

  /** Row ids per item (tables x lookups). */
  public int indicesPerItem() { return tables * lookups; }

  /** The row id of one lookup. */
  public long index(int item, int table, int lookup) { return indices[(item * tables + table) * lookups + lookup]; }

  /** Items [from, to) as a batch of their own (copied). */
  public RecBatch slice(int from, int to) {
    if (from < 0 || to > items || from >= to) throw new IllegalArgumentException("slice [" + from + ", " + to + ") of a batch of " + items + " items");
    float[] d = java.util.Arrays.copyOfRange(dense, from * denseFeatures, to * denseFeatures);
    long[] i = java.util.Arrays.copyOfRange(indices, from * indicesPerItem(), to * indicesPerItem());
    return new RecBatch(to - from, denseFeatures, tables, lookups, d, i);
  }

  /** Consecutive slices of at most {@code maxItems} items (the last may be shorter): a query split into sub-requests. */
  public List<RecBatch> split(int maxItems) {
    if (maxItems <= 0) throw new IllegalArgumentException("maxItems must be > 0, was " + maxItems);
    List<RecBatch> out = new ArrayList<>();
    for (int from = 0; from < items; from += maxItems) out.add(slice(from, Math.min(items, from + maxItems)));
    return out;
  }

  /** The batches one after the other; they must agree on dense width, tables and lookups. */
  public static RecBatch concat(List<RecBatch> parts) {
    if (parts.isEmpty()) throw new IllegalArgumentException("nothing to concatenate");
    RecBatch first = parts.get(0);
    int items = 0;
    for (RecBatch p : parts) {
      if (p.denseFeatures != first.denseFeatures || p.tables != first.tables || p.lookups != first.lookups) {
        throw new IllegalArgumentException("batches of different layouts: " + p.layout() + " vs " + first.layout());
      }
      items += p.items;
    }
    float[] d = new float[items * first.denseFeatures];
    long[] i = new long[items * first.indicesPerItem()];
    int dAt = 0, iAt = 0;
    for (RecBatch p : parts) {
      System.arraycopy(p.dense, 0, d, dAt, p.dense.length);
      System.arraycopy(p.indices, 0, i, iAt, p.indices.length);
      dAt += p.dense.length;
      iAt += p.indices.length;
    }
    return new RecBatch(items, first.denseFeatures, first.tables, first.lookups, d, i);
  }

  /** The arrays themselves, for the engine (no copy); callers must not change them. */
  float[] denseShared() { return dense; }

  long[] indicesShared() { return indices; }

  /** A copy of the dense floats. */
  @Override public float[] dense() { return dense.clone(); }

  /** A copy of the row ids. */
  @Override public long[] indices() { return indices.clone(); }

  @Override public boolean equals(Object o) {
    return o instanceof RecBatch b && b.items == items && b.denseFeatures == denseFeatures && b.tables == tables && b.lookups == lookups
        && java.util.Arrays.equals(b.dense, dense) && java.util.Arrays.equals(b.indices, indices);
  }

  @Override public int hashCode() { return 31 * java.util.Arrays.hashCode(indices) + java.util.Arrays.hashCode(dense); }

  @Override public String toString() { return "RecBatch[" + items + " items, " + layout() + "]"; }

  private String layout() { return "dense " + denseFeatures + ", " + tables + " tables x " + lookups + " lookups"; }
}
