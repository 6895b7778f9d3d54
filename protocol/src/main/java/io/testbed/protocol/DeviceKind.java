package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What sort of machine a device is. */
public enum DeviceKind {
  @JsonProperty("phone") PHONE,
  @JsonProperty("edge") EDGE,
  @JsonProperty("sensor") SENSOR,
  @JsonProperty("cloud") CLOUD;

  public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }

  public static DeviceKind fromWire(String s) {
    for (DeviceKind k : values()) if (k.wireName().equals(s)) return k;
    throw new IllegalArgumentException("unknown device kind '" + s + "' (expected phone|edge|sensor|cloud)");
  }
}
