package io.testbed.agent.network;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the network shaper applies to one offload link, in each direction: one-way {@code delayMs} (+ {@code jitterMs},
 * normally distributed, standard deviation), link {@code rateMbps}, and {@code lossPct} of 1500-byte segments lost
 * (applied as a retransmission delay, never as corruption). {@code rssiDbm} and {@code technology} say what signal
 * the values stand for (null RSSI when the values were set explicitly without one).
 */
public record LinkConditions(double delayMs, double jitterMs, double rateMbps, double lossPct, Double rssiDbm, RadioTechnology technology) {
  public LinkConditions {
    if (!(delayMs >= 0) || Double.isInfinite(delayMs)) throw new IllegalArgumentException("delayMs must be >= 0, was " + delayMs);
    if (!(jitterMs >= 0) || Double.isInfinite(jitterMs)) throw new IllegalArgumentException("jitterMs must be >= 0, was " + jitterMs);
    if (!(rateMbps > 0) || Double.isInfinite(rateMbps)) throw new IllegalArgumentException("rateMbps must be > 0, was " + rateMbps);
    if (!(lossPct >= 0 && lossPct < 100)) throw new IllegalArgumentException("lossPct must be in [0, 100), was " + lossPct);
    if (rssiDbm != null && !Double.isFinite(rssiDbm)) throw new IllegalArgumentException("rssiDbm must be finite, was " + rssiDbm);
    if (technology == null) throw new IllegalArgumentException("technology is required");
  }

  /** Round-trip time the shaper adds (both directions' one-way delay), without jitter or serialisation. */
  public double rttMs() { return 2 * delayMs; }

  /** Serialisation time of {@code bytes} at the link rate. */
  public double serialisationMs(long bytes) { return bytes * 8.0 / (rateMbps * 1000.0); }

  public LinkConditions withRate(double newRateMbps) {
    return new LinkConditions(delayMs, jitterMs, newRateMbps, lossPct, rssiDbm, technology);
  }

  /** The settings as they go into a {@code ControlAck} (units in the names). */
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("technology", technology.wireName());
    if (rssiDbm != null) m.put("rssiDbm", rssiDbm);
    m.put("delayMs", delayMs);
    m.put("jitterMs", jitterMs);
    m.put("rateMbps", rateMbps);
    m.put("lossPct", lossPct);
    return m;
  }
}
