package io.testbed.protocol;

import java.util.List;

/**
 * A batch of power samples of one meter bound to one device; on {@code .../telemetry/power} (agent's own modelled meter)
 * or {@code testbed/v1/meters/{id}/power} (bridge).
 *
 * @param deviceId the device the meter is bound to
 * @param source {@code metered} for a physical meter, {@code modelled} for the power model
 */
public record PowerSampleBatch(
    int schemaVersion,
    String deviceId,
    long timestampNs,
    String meterId,
    PowerSource source,
    double sampleRateHz,
    List<PowerSample> samples)
    implements WireMessage {
  public PowerSampleBatch {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.id("meterId", meterId);
    Checks.present("source", source);
    Checks.nonNegative("sampleRateHz", sampleRateHz);
    samples = Checks.list(samples);
  }
}
