package io.testbed.protocol;

import java.util.List;

/**
 * Features of a model computed from its graph (AutoScale's state uses them: SYSTEMS.md section 1).
 *
 * @param inputShape shape of one sample, without the batch dimension
 */
public record ModelFeatures(
    int convLayers, int fcLayers, int recurrentLayers, long macs, long parameterBytes, List<Long> inputShape) {
  public ModelFeatures {
    if (convLayers < 0 || fcLayers < 0 || recurrentLayers < 0) throw new IllegalArgumentException("layer counts must be >= 0");
    Checks.nonNegative("features.macs", macs);
    Checks.nonNegative("features.parameterBytes", parameterBytes);
    inputShape = Checks.list(inputShape);
  }
}
