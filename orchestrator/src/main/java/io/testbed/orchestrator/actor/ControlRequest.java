package io.testbed.orchestrator.actor;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SetInterference;
import io.testbed.protocol.SetNetwork;
import io.testbed.protocol.WireMessage;

/**
 * A control command for a device, before the twin gives it a correlation id: {@code interference} (co-runner CPU and
 * memory levels, {@code SetInterference}) or {@code network} (one offload link's conditions, {@code SetNetwork}).
 * Unused fields are null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlRequest(
    String kind,
    Double cpuLevel,
    Double memoryLevel,
    String link,
    String technology,
    Double rssiDbm,
    Double delayMs,
    Double jitterMs,
    Double rateMbps,
    Double lossPct) {

  public static final String INTERFERENCE = "interference";
  public static final String NETWORK = "network";

  public ControlRequest {
    if (!INTERFERENCE.equals(kind) && !NETWORK.equals(kind)) {
      throw new IllegalArgumentException("kind must be interference or network, was " + kind);
    }
  }

  public static ControlRequest interference(double cpuLevel, double memoryLevel) {
    return new ControlRequest(INTERFERENCE, cpuLevel, memoryLevel, null, null, null, null, null, null, null);
  }

  public static ControlRequest network(String link, String technology, Double rssiDbm, Double delayMs, Double jitterMs,
      Double rateMbps, Double lossPct) {
    return new ControlRequest(NETWORK, null, null, link, technology, rssiDbm, delayMs, jitterMs, rateMbps, lossPct);
  }

  /** The wire message for {@code deviceId}; throws {@link IllegalArgumentException} for values the protocol refuses. */
  public WireMessage toWire(String deviceId, long nowNs, String correlationId) {
    if (INTERFERENCE.equals(kind)) {
      return new SetInterference(SchemaVersion.CURRENT, deviceId, nowNs, correlationId,
          cpuLevel == null ? 0 : cpuLevel, memoryLevel == null ? 0 : memoryLevel);
    }
    return new SetNetwork(SchemaVersion.CURRENT, deviceId, nowNs, correlationId, link == null ? SetNetwork.ALL_LINKS : link,
        technology, rssiDbm, delayMs, jitterMs, rateMbps, lossPct);
  }
}
