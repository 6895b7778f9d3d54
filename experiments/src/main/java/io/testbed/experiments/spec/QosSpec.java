package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Quality-of-service targets: per-query latency (ms) and accuracy (share of outputs equal to the FP32 reference). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QosSpec(Double latencyMs, Double accuracy) {}
