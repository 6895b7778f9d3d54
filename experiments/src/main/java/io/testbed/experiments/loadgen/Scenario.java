package io.testbed.experiments.loadgen;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The four MLPerf LoadGen scenarios (SYSTEMS.md section 7); JSON names as MLPerf spells them. */
public enum Scenario {
  @JsonProperty("SingleStream") SINGLE_STREAM("SingleStream", 0.90),
  @JsonProperty("MultiStream") MULTI_STREAM("MultiStream", 0.99),
  @JsonProperty("Server") SERVER("Server", 0.99),
  @JsonProperty("Offline") OFFLINE("Offline", 0.99);

  private final String mlperfName;
  private final double defaultPercentile;

  Scenario(String mlperfName, double defaultPercentile) {
    this.mlperfName = mlperfName;
    this.defaultPercentile = defaultPercentile;
  }

  /** The name MLPerf uses in specs and summaries, e.g. {@code SingleStream}. */
  public String mlperfName() { return mlperfName; }

  /** The latency percentile the scenario is judged on unless the spec says otherwise. */
  public double defaultPercentile() { return defaultPercentile; }

  public static java.util.Optional<Scenario> fromName(String name) {
    for (Scenario s : values()) if (s.mlperfName.equals(name)) return java.util.Optional.of(s);
    return java.util.Optional.empty();
  }

  public static String names() {
    return java.util.Arrays.stream(values()).map(Scenario::mlperfName).collect(java.util.stream.Collectors.joining("|"));
  }
}
