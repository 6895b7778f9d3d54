package io.testbed.orchestrator.actor;

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
}
