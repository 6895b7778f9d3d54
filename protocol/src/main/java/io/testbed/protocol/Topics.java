package io.testbed.protocol;

import java.util.Optional;

/** MQTT topic names of the testbed, all under one versioned root (DESIGN.md, wire conventions). */
public final class Topics {
  public static final String ROOT = "testbed/v" + SchemaVersion.CURRENT;
  public static final String DEVICES = ROOT + "/devices";
  public static final String METERS = ROOT + "/meters";

  /** Telemetry stream names. */
  public static final String STREAM_HEARTBEAT = "heartbeat";
  public static final String STREAM_POWER = "power";

  /** Subscriptions of the orchestrator. */
  public static final String ALL_HELLO = DEVICES + "/+/hello";
  public static final String ALL_STATE = DEVICES + "/+/state";
  public static final String ALL_TELEMETRY = DEVICES + "/+/telemetry/+";
  public static final String ALL_REPLIES = DEVICES + "/+/replies";
  public static final String ALL_METER_POWER = METERS + "/+/power";
  /** Clock echoes of power bridges, one per meter. */
  public static final String ALL_METER_REPLIES = METERS + "/+/replies";

  private Topics() {}

  public static String hello(String deviceId) { return device(deviceId) + "/hello"; }
  public static String state(String deviceId) { return device(deviceId) + "/state"; }
  public static String telemetry(String deviceId, String stream) { return device(deviceId) + "/telemetry/" + requireSegment(stream); }
  public static String heartbeat(String deviceId) { return telemetry(deviceId, STREAM_HEARTBEAT); }
  public static String power(String deviceId) { return telemetry(deviceId, STREAM_POWER); }
  public static String commands(String deviceId) { return device(deviceId) + "/commands"; }
  public static String replies(String deviceId) { return device(deviceId) + "/replies"; }
  public static String meterPower(String meterId) { return METERS + "/" + requireSegment(meterId) + "/power"; }
  /** Where a bridge receives clock probes for one of its meters. */
  public static String meterCommands(String meterId) { return METERS + "/" + requireSegment(meterId) + "/commands"; }
  /** Where a bridge answers clock probes for one of its meters. */
  public static String meterReplies(String meterId) { return METERS + "/" + requireSegment(meterId) + "/replies"; }

  /** The parts of a topic under {@link #DEVICES}: device id, channel (hello, state, telemetry, commands, replies) and stream. */
  public record DeviceTopic(String deviceId, String channel, String stream) {}

  /** Parses a device topic; empty when the topic is not one of ours. */
  public static Optional<DeviceTopic> parseDevice(String topic) {
    if (topic == null || !topic.startsWith(DEVICES + "/")) return Optional.empty();
    String[] parts = topic.substring(DEVICES.length() + 1).split("/", -1);
    if (parts.length == 2 && !parts[0].isEmpty()) return Optional.of(new DeviceTopic(parts[0], parts[1], null));
    if (parts.length == 3 && "telemetry".equals(parts[1]) && !parts[0].isEmpty()) {
      return Optional.of(new DeviceTopic(parts[0], parts[1], parts[2]));
    }
    return Optional.empty();
  }

  /** Meter id of a meter topic; empty when the topic is not a meter power topic. */
  public static Optional<String> parseMeter(String topic) {
    if (topic == null || !topic.startsWith(METERS + "/") || !topic.endsWith("/power")) return Optional.empty();
    String id = topic.substring(METERS.length() + 1, topic.length() - "/power".length());
    return id.isEmpty() || id.contains("/") ? Optional.empty() : Optional.of(id);
  }

  /** The parts of a topic under {@link #METERS}: meter id and channel (power, commands, replies, events). */
  public record MeterTopic(String meterId, String channel) {}

  /** Parses any meter topic {@code testbed/v1/meters/{id}/{channel}}; empty when the topic is not one. */
  public static Optional<MeterTopic> parseMeterTopic(String topic) {
    if (topic == null || !topic.startsWith(METERS + "/")) return Optional.empty();
    String[] parts = topic.substring(METERS.length() + 1).split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) return Optional.empty();
    return Optional.of(new MeterTopic(parts[0], parts[1]));
  }

  private static String device(String deviceId) { return DEVICES + "/" + requireSegment(deviceId); }

  /** Ids become topic segments: no MQTT wildcards or separators. */
  public static String requireSegment(String s) {
    if (s == null || s.isBlank() || !s.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("not a valid id/topic segment (allowed: A-Z a-z 0-9 . _ -): '" + s + "'");
    }
    return s;
  }
}
