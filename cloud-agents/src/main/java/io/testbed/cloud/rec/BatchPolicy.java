package io.testbed.cloud.rec;

import java.util.ArrayList;
import java.util.List;

/**
 * How a query is served under a (B, T) setting (SYSTEMS.md section 2): a query of N >= T items goes whole to the
 * accelerator; otherwise it is split into ceil(N / B) sub-requests of B items (the last one shorter). Pure.
 *
 * @param batchSize per-core batch size B, in [1, maxItems]
 * @param acceleratorThreshold T, in [1, maxItems + 1]; maxItems + 1 = never
 */
public record BatchPolicy(int batchSize, int acceleratorThreshold) {
  public BatchPolicy {
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    if (acceleratorThreshold < 1) throw new IllegalArgumentException("acceleratorThreshold must be >= 1, was " + acceleratorThreshold);
  }

  /** Where a query goes. */
  public enum Path { CPU, ACCELERATOR }

  /** The route of one query: its path and the item ranges [from, to) of its sub-requests (one range on the accelerator). */
  public record Plan(Path path, List<int[]> ranges) {
    public int subRequests() { return ranges.size(); }
  }

  /** Whether a query of {@code items} items goes to the accelerator. */
  public boolean toAccelerator(int items) { return items >= acceleratorThreshold; }

  public Plan plan(int items) {
    if (items < 1) throw new IllegalArgumentException("items must be >= 1, was " + items);
    if (toAccelerator(items)) return new Plan(Path.ACCELERATOR, List.<int[]>of(new int[] {0, items}));
    List<int[]> ranges = new ArrayList<>();
    for (int from = 0; from < items; from += batchSize) ranges.add(new int[] {from, Math.min(items, from + batchSize)});
    return new Plan(Path.CPU, List.copyOf(ranges));
  }
}
