package io.testbed.protocol;

import java.util.List;

/** A model a device can run, with the precisions it has and its graph features. */
public record ModelInfo(String name, String family, List<Precision> precisions, ModelFeatures features) {
  public ModelInfo {
    Checks.id("model.name", name);
    Checks.text("model.family", family);
    precisions = Checks.list(precisions);
    if (precisions.isEmpty()) throw new IllegalArgumentException("model.precisions must not be empty");
    Checks.present("model.features", features);
  }
}
