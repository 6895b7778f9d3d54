package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every message on the wire. The {@code type} property carries a stable name; each message carries the schema
 * version, the device it concerns and its timestamp in epoch nanoseconds (DESIGN.md, wire conventions).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Hello.class, name = "hello"),
  @JsonSubTypes.Type(value = State.class, name = "state"),
  @JsonSubTypes.Type(value = Heartbeat.class, name = "heartbeat"),
  @JsonSubTypes.Type(value = InferenceCommand.class, name = "inference-command"),
  @JsonSubTypes.Type(value = InferenceResult.class, name = "inference-result"),
  @JsonSubTypes.Type(value = PowerSampleBatch.class, name = "power-samples"),
  @JsonSubTypes.Type(value = ErrorReply.class, name = "error"),
  @JsonSubTypes.Type(value = SetInterference.class, name = "set-interference"),
  @JsonSubTypes.Type(value = SetNetwork.class, name = "set-network"),
  @JsonSubTypes.Type(value = SetMode.class, name = "set-mode"),
  @JsonSubTypes.Type(value = ControlAck.class, name = "control-ack"),
  @JsonSubTypes.Type(value = ClockProbe.class, name = "clock-probe"),
  @JsonSubTypes.Type(value = ClockEcho.class, name = "clock-echo")
})
public sealed interface WireMessage
    permits Hello, State, Heartbeat, InferenceCommand, InferenceResult, PowerSampleBatch, ErrorReply, SetInterference,
        SetNetwork, SetMode, ControlAck, ClockProbe, ClockEcho {
  int schemaVersion();

  String deviceId();

  long timestampNs();
}
