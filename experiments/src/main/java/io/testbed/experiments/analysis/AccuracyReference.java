package io.testbed.experiments.analysis;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Expected output digests of the FP32 reference, per query's sample indices: accuracy mode compares each query's
 * digest with it. The orchestrator builds one by running the accuracy set on an FP32 target.
 */
@FunctionalInterface
public interface AccuracyReference {
  Optional<String> digest(List<Integer> sampleIndices);

  /**
   * The reference from an accuracy-mode run on an FP32 target: each successful query's digest under its sample
   * indices (failed queries give no reference, so a comparison against them reports "missing").
   */
  static AccuracyReference fromRun(List<io.testbed.experiments.loadgen.QueryRecord> fp32Records) {
    Map<List<Integer>, String> digests = new java.util.HashMap<>();
    for (io.testbed.experiments.loadgen.QueryRecord r : fp32Records) {
      if (r.succeeded() && r.digest() != null) digests.put(r.sampleIndices(), r.digest());
    }
    return of(digests);
  }

  static AccuracyReference of(Map<List<Integer>, String> digests) {
    Map<List<Integer>, String> copy = Map.copyOf(digests);
    return samples -> Optional.ofNullable(copy.get(samples));
  }
}
