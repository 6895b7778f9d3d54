package io.testbed.agent.sensor;

/** A sensor node's operating mode (SYSTEMS.md section 4); {@link #wireName()} is the {@code SetMode.mode} string. */
public enum SensorMode {
  /** Near-sensor processing: sensor capturing and the stacked vision processor busy. */
  NSP("nsp"),
  /** Capture only: the vision processor is power-gated. */
  CAP("cap"),
  /** Frames shipped to a far processor; the vision processor is gated, the radio transmits. */
  FAR("far");

  private final String wireName;

  SensorMode(String wireName) { this.wireName = wireName; }

  public String wireName() { return wireName; }

  /** The mode for a {@code SetMode.mode} string; {@link IllegalArgumentException} naming the allowed values otherwise. */
  public static SensorMode fromWire(String name) {
    for (SensorMode m : values()) if (m.wireName.equals(name)) return m;
    throw new IllegalArgumentException("unknown sensor mode '" + name + "' (allowed: nsp, cap, far)");
  }
}
