package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Periodic device telemetry on {@code .../telemetry/heartbeat}. Optional fields are null when the device cannot know them.
 *
 * @param cpuUtilisation whole-device CPU busy share in [0, 1]
 * @param coRunnerCpuUtilisation CPU share used by co-running (interference) load in [0, 1]
 * @param memoryPressure co-runner memory pressure in [0, 1]
 * @param temperatureSource {@code metered} for a real thermal zone, {@code modelled} for a thermal model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Heartbeat(
    int schemaVersion,
    String deviceId,
    long timestampNs,
    long seq,
    double cpuUtilisation,
    long memoryUsedBytes,
    long memoryTotalBytes,
    Double temperatureC,
    PowerSource temperatureSource,
    Double rssiDbm,
    Double coRunnerCpuUtilisation,
    Double memoryPressure)
    implements WireMessage {
  public Heartbeat {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.nonNegative("seq", seq);
    Checks.fraction("cpuUtilisation", cpuUtilisation);
    Checks.nonNegative("memoryUsedBytes", memoryUsedBytes);
    Checks.nonNegative("memoryTotalBytes", memoryTotalBytes);
    Checks.optionalFinite("temperatureC", temperatureC);
    Checks.optionalFinite("rssiDbm", rssiDbm);
    if (coRunnerCpuUtilisation != null) Checks.fraction("coRunnerCpuUtilisation", coRunnerCpuUtilisation);
    if (memoryPressure != null) Checks.fraction("memoryPressure", memoryPressure);
  }
}
