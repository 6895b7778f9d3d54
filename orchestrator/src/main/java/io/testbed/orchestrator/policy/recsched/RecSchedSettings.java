package io.testbed.orchestrator.policy.recsched;

import java.util.List;

/**
 * Settings of DeepRecSched's outer loop (SYSTEMS.md section 2): batch sizes to walk (ascending, e.g. 1, 2, 4, ...,
 * 1024), accelerator thresholds to walk after it, in walking order (e.g. 1024, 512, ..., 8; empty when no server has
 * an accelerator), and the grid index the first inner loop starts at (later ones start at the previous
 * configuration's sustainable load).
 */
public record RecSchedSettings(HillClimbSettings climb, List<Integer> batchSizes, List<Integer> offloadThresholds,
    int startGridIndex) {

  public RecSchedSettings {
    if (climb == null) throw new IllegalArgumentException("climb settings are required");
    batchSizes = List.copyOf(batchSizes);
    offloadThresholds = List.copyOf(offloadThresholds);
    if (batchSizes.isEmpty()) throw new IllegalArgumentException("batchSizes must not be empty");
    for (int i = 0; i < batchSizes.size(); i++) {
      if (batchSizes.get(i) < 1) throw new IllegalArgumentException("batchSizes[" + i + "] must be >= 1");
      if (i > 0 && batchSizes.get(i) <= batchSizes.get(i - 1)) {
        throw new IllegalArgumentException("batchSizes must be strictly ascending (batchSizes[" + i + "])");
      }
    }
    for (int i = 0; i < offloadThresholds.size(); i++) {
      if (offloadThresholds.get(i) < 1) throw new IllegalArgumentException("offloadThresholds[" + i + "] must be >= 1");
      if (offloadThresholds.subList(0, i).contains(offloadThresholds.get(i))) {
        throw new IllegalArgumentException("offloadThresholds[" + i + "] is a duplicate");
      }
    }
    if (startGridIndex < 0 || startGridIndex > climb.grid().top()) {
      throw new IllegalArgumentException("startGridIndex must be in [0, " + climb.grid().top() + "]");
    }
  }

  /** Powers of two from {@code from} to {@code to} inclusive, ascending (1, 2, 4, ..., 1024). */
  public static List<Integer> powersOfTwo(int from, int to) {
    List<Integer> out = new java.util.ArrayList<>();
    for (int v = Integer.highestOneBit(Math.max(1, from)); v <= to; v *= 2) if (v >= from) out.add(v);
    return out;
  }
}
