package io.testbed.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.testbed.protocol.Precision;

/**
 * An inference job as submitted over REST: run {@code count} inferences of {@code model} on {@code target} of a device,
 * one after another. Syntax is checked by the HTTP layer; capabilities by the job manager.
 *
 * @param precision null = the target's precision
 * @param offloadTo peer device that computes when target is {@code offload}
 * @param dvfsLevelMHz null = the target's highest level
 * @param timeoutMs per inference; null = the configured default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(
    String deviceId,
    String model,
    String target,
    Precision precision,
    int count,
    int batchSize,
    String offloadTo,
    Integer dvfsLevelMHz,
    Long timeoutMs) {

  public boolean offloaded() {
    return io.testbed.protocol.InferenceCommand.OFFLOAD.equals(target);
  }

  public JobRequest withDefaults(Precision precision, long timeoutMs) {
    return new JobRequest(deviceId, model, target, precision, count, batchSize, offloadTo, dvfsLevelMHz, timeoutMs);
  }
}
