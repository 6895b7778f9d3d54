package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Orchestrator switches a device's operating mode, on {@code .../commands}. Sensor nodes (SYSTEMS.md section 4):
 * {@code nsp} (process near the sensor), {@code cap} (processor gated, capture only), {@code far} (frames shipped to
 * {@code farDeviceId} at {@code farUrl}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SetMode(int schemaVersion, String deviceId, long timestampNs, String correlationId, String mode,
    String farDeviceId, String farUrl) implements WireMessage {
  public SetMode {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("correlationId", correlationId);
    Checks.id("mode", mode);
    if ("far".equals(mode)) {
      Checks.id("farDeviceId", farDeviceId);
      Checks.text("farUrl", farUrl);
    }
  }
}
