package io.testbed.protocol;

/** Liveness of a device; retained on {@code .../state} and registered as its MQTT last will (offline). */
public record State(int schemaVersion, String deviceId, long timestampNs, DeviceStatus status) implements WireMessage {
  public State {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.present("status", status);
  }

  public static State online(String deviceId, long nowNs) {
    return new State(SchemaVersion.CURRENT, deviceId, nowNs, DeviceStatus.ONLINE);
  }

  public static State offline(String deviceId, long nowNs) {
    return new State(SchemaVersion.CURRENT, deviceId, nowNs, DeviceStatus.OFFLINE);
  }
}
