package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Numeric precision of a model variant. */
public enum Precision {
  @JsonProperty("fp32") FP32,
  @JsonProperty("int8") INT8;

  public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
