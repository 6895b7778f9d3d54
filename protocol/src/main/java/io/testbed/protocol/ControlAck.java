package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A device confirms (or refuses) a control command ({@link SetInterference}, {@link SetNetwork}, {@link SetMode}), on
 * {@code .../replies}, with the settings it actually applied (e.g. the link rate an RSSI mapped to).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlAck(int schemaVersion, String deviceId, long timestampNs, String correlationId, boolean applied,
    String error, Map<String, Object> settings) implements WireMessage {
  public ControlAck {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("correlationId", correlationId);
    if (!applied) Checks.text("error", error);
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }
}
