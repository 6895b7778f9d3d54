package io.testbed.orchestrator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Lifecycle of an experiment run: waits for its devices' leases, runs, then ends one of three ways. */
public enum ExperimentStatus {
  @JsonProperty("queued") QUEUED,
  @JsonProperty("running") RUNNING,
  @JsonProperty("completed") COMPLETED,
  @JsonProperty("failed") FAILED,
  @JsonProperty("cancelled") CANCELLED;

  public boolean finished() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
