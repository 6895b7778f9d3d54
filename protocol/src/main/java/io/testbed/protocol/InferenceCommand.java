package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Orchestrator asks a device to run inference, on {@code .../commands}. The input batch is generated on the device from
 * {@code inputSeed} (deterministic, so a result's output digest can be checked across devices) rather than shipped
 * over MQTT; offloaded requests carry the real tensor over HTTP.
 *
 * @param target id of one of the device's advertised targets, or {@code offload} to send it to {@code offloadDeviceId}
 * @param dvfsLevelMHz requested CPU frequency level; null for the target's highest
 * @param offloadDeviceId peer that computes when target is {@code offload}
 * @param offloadUrl peer's inference endpoint (from its hello) when target is {@code offload}
 * @param timeoutMs how long the device may take before it reports a timeout
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceCommand(
    int schemaVersion,
    String deviceId,
    long timestampNs,
    String correlationId,
    String model,
    String target,
    Precision precision,
    int batchSize,
    long inputSeed,
    Integer dvfsLevelMHz,
    String offloadDeviceId,
    String offloadUrl,
    long timeoutMs)
    implements WireMessage {
  public static final String OFFLOAD = "offload";

  public InferenceCommand {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("correlationId", correlationId);
    Checks.id("model", model);
    Checks.id("target", target);
    Checks.present("precision", precision);
    Checks.positive("batchSize", batchSize);
    if (OFFLOAD.equals(target)) {
      Checks.id("offloadDeviceId", offloadDeviceId);
      Checks.text("offloadUrl", offloadUrl);
    }
    if (timeoutMs <= 0) throw new IllegalArgumentException("timeoutMs must be > 0, was " + timeoutMs);
  }

  public boolean offloaded() { return OFFLOAD.equals(target); }
}
