package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Liveness of a device as published on its retained state topic (and as its MQTT last will). */
public enum DeviceStatus {
  @JsonProperty("online") ONLINE,
  @JsonProperty("offline") OFFLINE
}
