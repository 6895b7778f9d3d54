package io.testbed.power.port;

import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Topics;

/**
 * What a meter is: its id, the device it is bound to, whether it measures or models, its nominal sample rate and the
 * smallest power step it resolves.
 */
public record MeterInfo(String meterId, String deviceId, PowerSource source, double nominalRateHz, double resolutionW) {
  public MeterInfo {
    Topics.requireSegment(meterId);
    Topics.requireSegment(deviceId);
    if (source == null) throw new IllegalArgumentException("meter " + meterId + ": source is required");
    if (!(nominalRateHz > 0) || Double.isInfinite(nominalRateHz)) {
      throw new IllegalArgumentException("meter " + meterId + ": rate-hz must be > 0, was " + nominalRateHz);
    }
    if (!(resolutionW >= 0) || Double.isInfinite(resolutionW)) {
      throw new IllegalArgumentException("meter " + meterId + ": resolution-w must be >= 0, was " + resolutionW);
    }
  }
}
