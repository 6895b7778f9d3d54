package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A device reports how an inference went, on {@code .../replies}.
 *
 * @param executedOn device id that computed (the peer for an offload)
 * @param latencyMs wall time from receipt of the command to the output, on the device's clock
 * @param startNs device clock, epoch ns, when it started working on the command
 * @param endNs device clock, epoch ns, when the output was ready
 * @param computeMs time inside the inference session only (on the peer for an offload)
 * @param networkMs transfer time for an offload, else null
 * @param outputDigest SHA-256 prefix (hex) of the output tensor bytes; equal inputs on equal models give equal digests
 * @param energyJ energy of this inference on the requesting device, null when unknown
 * @param energySource whether {@code energyJ} is {@code metered} or {@code modelled}
 * @param metrics further per-inference measurements, units in the names (e.g. {@code psnrDb}, {@code agreement}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceResult(
    int schemaVersion,
    String deviceId,
    long timestampNs,
    String correlationId,
    String model,
    String target,
    Precision precision,
    String executedOn,
    int batchSize,
    Outcome outcome,
    String error,
    double latencyMs,
    double computeMs,
    Double networkMs,
    long startNs,
    long endNs,
    String outputDigest,
    Double energyJ,
    PowerSource energySource,
    Long bytesSent,
    Long bytesReceived,
    Map<String, Double> metrics)
    implements WireMessage {
  @JsonCreator
  public InferenceResult {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("correlationId", correlationId);
    Checks.id("model", model);
    Checks.id("target", target);
    Checks.present("precision", precision);
    Checks.text("executedOn", executedOn);
    Checks.positive("batchSize", batchSize);
    Checks.present("outcome", outcome);
    if (outcome != Outcome.OK) Checks.text("error", error);
    Checks.nonNegative("latencyMs", latencyMs);
    Checks.nonNegative("computeMs", computeMs);
    Checks.optionalFinite("networkMs", networkMs);
    Checks.optionalFinite("energyJ", energyJ);
    if (energyJ != null) Checks.present("energySource", energySource);
    if (endNs < startNs) throw new IllegalArgumentException("endNs must be >= startNs");
    metrics = metrics == null || metrics.isEmpty() ? null : Map.copyOf(metrics);
    if (metrics != null) metrics.forEach((k, v) -> Checks.optionalFinite("metrics." + k, v));
  }

  /** A result without extra metrics. */
  public InferenceResult(int schemaVersion, String deviceId, long timestampNs, String correlationId, String model,
      String target, Precision precision, String executedOn, int batchSize, Outcome outcome, String error,
      double latencyMs, double computeMs, Double networkMs, long startNs, long endNs, String outputDigest,
      Double energyJ, PowerSource energySource, Long bytesSent, Long bytesReceived) {
    this(schemaVersion, deviceId, timestampNs, correlationId, model, target, precision, executedOn, batchSize, outcome,
        error, latencyMs, computeMs, networkMs, startNs, endNs, outputDigest, energyJ, energySource, bytesSent,
        bytesReceived, null);
  }

  /** The same result with extra metrics added (e.g. fidelity measured after the inference). */
  public InferenceResult withMetrics(Map<String, Double> extra) {
    java.util.Map<String, Double> all = new java.util.TreeMap<>(metrics == null ? Map.of() : metrics);
    all.putAll(extra);
    return new InferenceResult(schemaVersion, deviceId, timestampNs, correlationId, model, target, precision, executedOn,
        batchSize, outcome, error, latencyMs, computeMs, networkMs, startNs, endNs, outputDigest, energyJ, energySource,
        bytesSent, bytesReceived, all);
  }
}
