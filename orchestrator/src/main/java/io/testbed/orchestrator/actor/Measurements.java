package io.testbed.orchestrator.actor;

import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import java.util.ArrayList;
import java.util.List;

/** Builds the InfluxDB points of DESIGN.md's conventions (units in field names; tags device, run, model, target, ...). */
final class Measurements {
  static final String HEARTBEAT = "heartbeat";
  static final String POWER = "power";
  static final String INFERENCE = "inference";
  static final String DEVICE_STATE = "device_state";
  static final String MALFORMED = "malformed";
  static final String QUERY = "query";
  static final String EXPERIMENT_EVENT = "experiment_event";
  static final String NO_RUN = "none";

  private Measurements() {}

  static TelemetryPoint heartbeat(Heartbeat h, DeviceKind kind, String run) {
    return TelemetryPoint.builder(HEARTBEAT, h.timestampNs())
        .tag("device", h.deviceId())
        .tag("kind", kind == null ? "unknown" : kind.wireName())
        .tag("run", run)
        .tag("source", h.temperatureSource() == null ? null : h.temperatureSource().wireName())
        .field("cpuUtilisation", h.cpuUtilisation())
        .field("memoryUsedBytes", h.memoryUsedBytes())
        .field("memoryTotalBytes", h.memoryTotalBytes())
        .field("temperatureC", h.temperatureC())
        .field("rssiDbm", h.rssiDbm())
        .field("coRunnerCpuUtilisation", h.coRunnerCpuUtilisation())
        .field("memoryPressure", h.memoryPressure())
        .build();
  }

  static List<TelemetryPoint> power(PowerSampleBatch b, String run) {
    List<TelemetryPoint> points = new ArrayList<>(b.samples().size());
    for (PowerSample s : b.samples()) {
      points.add(TelemetryPoint.builder(POWER, s.timestampNs())
          .tag("device", b.deviceId())
          .tag("meter", b.meterId())
          .tag("source", b.source().wireName())
          .tag("run", run)
          .field("powerW", s.powerW())
          .field("voltageV", s.voltageV())
          .field("currentA", s.currentA())
          .build());
    }
    return points;
  }

  static TelemetryPoint inference(InferenceResult r, String run, String policy) {
    return TelemetryPoint.builder(INFERENCE, r.timestampNs())
        .tag("device", r.deviceId())
        .tag("run", run)
        .tag("model", r.model())
        .tag("target", r.target())
        .tag("precision", r.precision().wireName())
        .tag("outcome", r.outcome().wireName())
        .tag("executedOn", r.executedOn())
        .tag("source", r.energySource() == null ? null : r.energySource().wireName())
        .tag("policy", policy)
        .field("latencyMs", r.latencyMs())
        .field("computeMs", r.computeMs())
        .field("networkMs", r.networkMs())
        .field("energyJ", r.energyJ())
        .field("bytesSent", r.bytesSent())
        .field("bytesReceived", r.bytesReceived())
        .field("batchSize", r.batchSize())
        .field("ok", r.outcome() == Outcome.OK ? 1L : 0L)
        .build();
  }

  static TelemetryPoint deviceState(String deviceId, DeviceKind kind, boolean online, long nowNs) {
    return TelemetryPoint.builder(DEVICE_STATE, nowNs)
        .tag("device", deviceId)
        .tag("kind", kind == null ? "unknown" : kind.wireName())
        .field("online", online ? 1L : 0L)
        .build();
  }

  static TelemetryPoint malformed(String deviceId, String reasonClass, long nowNs) {
    return TelemetryPoint.builder(MALFORMED, nowNs)
        .tag("device", deviceId)
        .tag("reasonClass", reasonClass)
        .field("count", 1L)
        .build();
  }

  /**
   * One experiment query (the {@code query} measurement). Times are ns since the repetition's start; the point's time is
   * {@code repetitionStartEpochNs + completedNs}. {@code reason} is the failure code (text before the first ':').
   */
  static TelemetryPoint query(QueryRecord r, long repetitionStartEpochNs, String run, String model, String scenario,
      int repetition, String policy) {
    return TelemetryPoint.builder(QUERY, repetitionStartEpochNs + r.completedNs())
        .tag("run", run)
        .tag("device", r.device())
        .tag("target", r.target())
        .tag("model", model)
        .tag("scenario", scenario)
        .tag("repetition", Integer.toString(repetition))
        .tag("outcome", r.outcome().wireName())
        .tag("reason", reasonCode(r.reason()))
        .tag("source", r.energySource() == null ? null : r.energySource().wireName())
        .tag("policy", policy)
        .field("latencyMs", r.latencyNs() / 1e6)
        .field("scheduledNs", r.scheduledNs())
        .field("issuedNs", r.issuedNs())
        .field("completedNs", r.completedNs())
        .field("sampleCount", r.sampleCount())
        .field("energyJ", r.energyJ())
        .field("ok", r.succeeded() ? 1L : 0L)
        .build();
  }

  /** An experiment's lifecycle event ({@code experiment_event}): kind started, repetition, timeline, device-lost, ... */
  static TelemetryPoint experimentEvent(String run, String kind, String device, String message, long value, long nowNs) {
    return TelemetryPoint.builder(EXPERIMENT_EVENT, nowNs)
        .tag("run", run)
        .tag("kind", kind)
        .tag("device", device)
        .field("value", value)
        .text("message", message)
        .build();
  }

  /** The stable code of a failure reason: {@code device-offline: device 'x' went offline} -> {@code device-offline}. */
  static String reasonCode(String reason) {
    if (reason == null || reason.isBlank()) return null;
    int colon = reason.indexOf(':');
    String code = (colon > 0 ? reason.substring(0, colon) : reason).trim();
    return code.length() > 64 || code.contains(" ") ? "other" : code;
  }
}
