package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Periodic device telemetry on {@code .../telemetry/heartbeat}. Optional fields are null when the device cannot know them.
 *
 * @param cpuUtilisation whole-device CPU busy share in [0, 1]
 * @param coRunnerCpuUtilisation CPU share used by co-running (interference) load in [0, 1]
 * @param memoryPressure co-runner memory pressure in [0, 1]
 * @param temperatureSource {@code metered} for a real thermal zone, {@code modelled} for a thermal model
 * @param linkRssiDbm signal strength of each offload link, by peer device id (AutoScale's per-link RSSI state)
 * @param mode operating mode where the device has modes (sensor nodes: {@code nsp}, {@code cap}, {@code far}), else null
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
    Double memoryPressure,
    Map<String, Double> linkRssiDbm,
    String mode)
    implements WireMessage {
  @JsonCreator
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
    linkRssiDbm = linkRssiDbm == null || linkRssiDbm.isEmpty() ? null : Map.copyOf(linkRssiDbm);
    if (linkRssiDbm != null) linkRssiDbm.forEach((k, v) -> Checks.optionalFinite("linkRssiDbm." + k, v));
  }

  /** A heartbeat without per-link signal strength or mode. */
  public Heartbeat(int schemaVersion, String deviceId, long timestampNs, long seq, double cpuUtilisation,
      long memoryUsedBytes, long memoryTotalBytes, Double temperatureC, PowerSource temperatureSource, Double rssiDbm,
      Double coRunnerCpuUtilisation, Double memoryPressure) {
    this(schemaVersion, deviceId, timestampNs, seq, cpuUtilisation, memoryUsedBytes, memoryTotalBytes, temperatureC,
        temperatureSource, rssiDbm, coRunnerCpuUtilisation, memoryPressure, null, null);
  }
}
