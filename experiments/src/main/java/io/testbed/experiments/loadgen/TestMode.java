package io.testbed.experiments.loadgen;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Performance mode (timed queries over random samples) or accuracy mode (every sample exactly once, outputs checked). */
public enum TestMode {
  @JsonProperty("performance") PERFORMANCE("PerformanceOnly"),
  @JsonProperty("accuracy") ACCURACY("AccuracyOnly");

  private final String mlperfName;

  TestMode(String mlperfName) { this.mlperfName = mlperfName; }

  /** As MLPerf's summary prints it ({@code PerformanceOnly}, {@code AccuracyOnly}). */
  public String mlperfName() { return mlperfName; }

  public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
