package io.testbed.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle of a job. */
public enum JobStatus {
  @JsonProperty("running") RUNNING,
  @JsonProperty("completed") COMPLETED,
  @JsonProperty("failed") FAILED
}
