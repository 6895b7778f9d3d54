package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.testbed.protocol.DeviceKind;

/**
 * Picks devices for an experiment: either one device by {@code id}, or {@code count} devices (default 1) of a
 * {@code kind}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceSelector(String id, DeviceKind kind, Integer count) {
  public static DeviceSelector byId(String id) { return new DeviceSelector(id, null, null); }

  public static DeviceSelector byKind(DeviceKind kind, int count) { return new DeviceSelector(null, kind, count); }

  /** Number of devices this selector asks for. */
  public int wanted() { return id != null ? 1 : count == null ? 1 : count; }
}
