package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an inference ended. */
public enum Outcome {
  @JsonProperty("ok") OK,
  @JsonProperty("failed") FAILED,
  @JsonProperty("timeout") TIMEOUT,
  @JsonProperty("rejected") REJECTED;

  public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
