package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A device refuses or cannot parse a command; on {@code .../replies}. {@code code} is a stable token such as {@code unknown-model}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorReply(int schemaVersion, String deviceId, long timestampNs, String correlationId, String code, String message)
    implements WireMessage {
  public ErrorReply {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("code", code);
    Checks.text("message", message);
  }
}
