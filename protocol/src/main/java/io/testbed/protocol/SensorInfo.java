package io.testbed.protocol;

/** A sensor a device reports on (temperature zone, camera, RSSI source...). */
public record SensorInfo(String name, String kind, String unit) {
  public SensorInfo {
    Checks.text("sensor.name", name);
    Checks.text("sensor.kind", kind);
    unit = unit == null ? "" : unit;
  }
}
