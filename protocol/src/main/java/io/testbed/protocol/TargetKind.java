package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Kind of processor behind an execution target. */
public enum TargetKind {
  @JsonProperty("cpu") CPU,
  @JsonProperty("gpu") GPU,
  @JsonProperty("dsp") DSP,
  @JsonProperty("npu") NPU
}
