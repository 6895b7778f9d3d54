package io.testbed.orchestrator.model;

import io.testbed.orchestrator.actor.JsonSerializable;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.SensorInfo;
import java.util.List;
import java.util.Map;

/**
 * What the orchestrator knows about one device: capabilities from its last hello (null/empty while it has not said
 * hello), liveness, last heartbeat and counters. Served as JSON by {@code GET /api/v1/devices/{id}}, and the reply to
 * {@code DeviceTwin.GetState} (hence {@link JsonSerializable}).
 *
 * @param capabilitiesKnown false while no hello has arrived
 * @param statusChangedNs epoch ns of the last status change (orchestrator clock)
 * @param lastSeenNs epoch ns (orchestrator clock) of the last message from the device, null if none
 * @param run current run tag ({@code none} when no job or experiment drives the device)
 * @param leasedBy run id of the experiment holding the device, null when free
 */
public record DeviceView(
    String id,
    DeviceKind kind,
    String profile,
    DeviceStatus status,
    long statusChangedNs,
    boolean capabilitiesKnown,
    boolean emulated,
    String endpoint,
    List<ExecutionTarget> targets,
    List<ModelInfo> models,
    List<SensorInfo> sensors,
    Map<String, String> software,
    List<String> notes,
    Heartbeat lastHeartbeat,
    Long lastSeenNs,
    long malformedMessages,
    long resultsOk,
    long resultsFailed,
    String run,
    String leasedBy) implements JsonSerializable {

  public boolean online() {
    return status == DeviceStatus.ONLINE;
  }
}
