package io.testbed.protocol;

/**
 * Orchestrator asks a device agent or a power bridge for its clock (NTP-style exchange), on the device's
 * {@code .../commands} or the meter's {@code testbed/v1/meters/{id}/commands}.
 *
 * @param deviceId the agent's device id, or the meter id for a bridge
 * @param timestampNs {@code t0}: the orchestrator's clock when it sent the probe, epoch ns
 * @param probeId unique id of this probe, echoed back
 */
public record ClockProbe(int schemaVersion, String deviceId, long timestampNs, String probeId) implements WireMessage {
  public ClockProbe {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("probeId", probeId);
  }
}
