package io.testbed.protocol;

/**
 * Orchestrator sets the co-runner interference a device generates (SYSTEMS.md section 1), on {@code .../commands}.
 * Levels are shares of the device's own CPU (inside its cap when emulated) and of its memory bandwidth; 0 stops them.
 */
public record SetInterference(
    int schemaVersion, String deviceId, long timestampNs, String correlationId, double cpuLevel, double memoryLevel)
    implements WireMessage {
  public SetInterference {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("correlationId", correlationId);
    Checks.fraction("cpuLevel", cpuLevel);
    Checks.fraction("memoryLevel", memoryLevel);
  }
}
