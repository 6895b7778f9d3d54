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

  static AccuracyReference of(Map<List<Integer>, String> digests) {
    Map<List<Integer>, String> copy = Map.copyOf(digests);
    return samples -> Optional.ofNullable(copy.get(samples));
  }
}
