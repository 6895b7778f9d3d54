package io.testbed.agent.network;

import java.util.Optional;

/**
 * The ranges the shaper accepts (reference.conf {@code testbed.agent.network.limits}); a {@code SetNetwork} outside
 * them is refused with a message naming the field and its allowed range.
 */
public record LinkLimits(double maxDelayMs, double maxJitterMs, double minRateMbps, double maxRateMbps, double maxLossPct, double minRssiDbm,
    double maxRssiDbm) {
  public LinkLimits {
    if (!(maxDelayMs > 0) || !(maxJitterMs >= 0) || !(minRateMbps > 0) || !(maxRateMbps >= minRateMbps) || !(maxLossPct >= 0 && maxLossPct < 100)
        || !(minRssiDbm < maxRssiDbm)) {
      throw new IllegalArgumentException("network.limits are inconsistent: " + this);
    }
  }

  /** The first value out of range, as "field X out of range: allowed [a, b]", or empty when all are inside. */
  public Optional<String> check(Double rssiDbm, Double delayMs, Double jitterMs, Double rateMbps, Double lossPct) {
    if (rssiDbm != null && !(rssiDbm >= minRssiDbm && rssiDbm <= maxRssiDbm)) return out("rssiDbm", rssiDbm, minRssiDbm, maxRssiDbm, "dBm");
    if (delayMs != null && !(delayMs >= 0 && delayMs <= maxDelayMs)) return out("delayMs", delayMs, 0, maxDelayMs, "ms");
    if (jitterMs != null && !(jitterMs >= 0 && jitterMs <= maxJitterMs)) return out("jitterMs", jitterMs, 0, maxJitterMs, "ms");
    if (rateMbps != null && !(rateMbps >= minRateMbps && rateMbps <= maxRateMbps)) return out("rateMbps", rateMbps, minRateMbps, maxRateMbps, "Mbps");
    if (lossPct != null && !(lossPct >= 0 && lossPct <= maxLossPct)) return out("lossPct", lossPct, 0, maxLossPct, "%");
    return Optional.empty();
  }

  private static Optional<String> out(String field, double v, double lo, double hi, String unit) {
    return Optional.of(field + " " + fmt(v) + " is out of range: allowed [" + fmt(lo) + ", " + fmt(hi) + "] " + unit);
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
