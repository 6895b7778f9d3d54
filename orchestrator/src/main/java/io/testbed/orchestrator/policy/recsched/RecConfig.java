package io.testbed.orchestrator.policy.recsched;

/**
 * One DeepRecSched configuration (SYSTEMS.md section 2, "Scheduler knobs"): the per-core batch size {@code B} (a
 * query of N items is split into ceil(N/B) sub-requests of at most B items, served in parallel by the worker pool)
 * and the accelerator-offload threshold {@code T} (a query of >= T items goes whole to the accelerator queue;
 * {@link #NO_OFFLOAD} = never).
 */
public record RecConfig(int batchSize, int offloadThreshold) {
  /** Threshold meaning "never offload" (printed {@code none}). */
  public static final int NO_OFFLOAD = Integer.MAX_VALUE;

  public RecConfig {
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    if (offloadThreshold < 1) throw new IllegalArgumentException("offloadThreshold must be >= 1, got " + offloadThreshold);
  }

  /** CPU only: batch size B, no offload. */
  public static RecConfig cpuOnly(int batchSize) { return new RecConfig(batchSize, NO_OFFLOAD); }

  public boolean offloadEnabled() { return offloadThreshold != NO_OFFLOAD; }

  /** Whether a query of {@code items} goes whole to the accelerator. */
  public boolean offloads(int items) { return items >= offloadThreshold; }

  /** The sub-request sizes of a CPU query: B, B, ..., remainder (e.g. 164 items at B=64: 64, 64, 36). */
  public int[] split(int items) {
    if (items < 1) throw new IllegalArgumentException("items must be >= 1");
    int n = (items + batchSize - 1) / batchSize;
    int[] sizes = new int[n];
    for (int i = 0; i < n; i++) sizes[i] = Math.min(batchSize, items - i * batchSize);
    return sizes;
  }

  public String thresholdLabel() { return offloadEnabled() ? Integer.toString(offloadThreshold) : "none"; }

  @Override
  public String toString() { return "B=" + batchSize + ",T=" + thresholdLabel(); }
}
