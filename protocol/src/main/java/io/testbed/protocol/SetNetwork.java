package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Orchestrator sets the conditions of one offload link of a device (its network shaper), on {@code .../commands}.
 * Either a signal strength (mapped to link rate, delay and loss by the device's documented RSSI map for
 * {@code technology}) or explicit shaping values; explicit values override the RSSI map.
 *
 * @param link peer device id of the offload link, or {@code *} for every link
 * @param technology {@code wifi} or {@code lte}; null keeps the link's current technology
 * @param lossPct packet loss in percent, applied as retransmission delay by the relay
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SetNetwork(
    int schemaVersion,
    String deviceId,
    long timestampNs,
    String correlationId,
    String link,
    String technology,
    Double rssiDbm,
    Double delayMs,
    Double jitterMs,
    Double rateMbps,
    Double lossPct)
    implements WireMessage {
  public static final String ALL_LINKS = "*";

  public SetNetwork {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.text("correlationId", correlationId);
    if (!ALL_LINKS.equals(link)) Checks.id("link", link);
    if (technology != null && !technology.equals("wifi") && !technology.equals("lte")) {
      throw new IllegalArgumentException("technology must be wifi or lte, was " + technology);
    }
    if (rssiDbm != null && !(rssiDbm >= -120 && rssiDbm <= 0)) throw new IllegalArgumentException("rssiDbm must be in [-120, 0], was " + rssiDbm);
    if (delayMs != null) Checks.nonNegative("delayMs", delayMs);
    if (jitterMs != null) Checks.nonNegative("jitterMs", jitterMs);
    if (rateMbps != null && !(rateMbps > 0 && rateMbps <= 10_000)) throw new IllegalArgumentException("rateMbps must be in (0, 10000], was " + rateMbps);
    if (lossPct != null && !(lossPct >= 0 && lossPct < 100)) throw new IllegalArgumentException("lossPct must be in [0, 100), was " + lossPct);
    if (rssiDbm == null && delayMs == null && jitterMs == null && rateMbps == null && lossPct == null) {
      throw new IllegalArgumentException("set at least one of rssiDbm, delayMs, jitterMs, rateMbps, lossPct");
    }
  }
}
