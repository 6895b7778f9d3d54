package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One power reading: epoch ns, watts, and volts/amperes where the meter knows them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PowerSample(long timestampNs, double powerW, Double voltageV, Double currentA) {
  public PowerSample {
    Checks.nonNegative("sample.timestampNs", timestampNs);
    if (!Double.isFinite(powerW)) throw new IllegalArgumentException("sample.powerW must be finite, was " + powerW);
    Checks.optionalFinite("sample.voltageV", voltageV);
    Checks.optionalFinite("sample.currentA", currentA);
  }
}
