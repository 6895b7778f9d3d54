package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Who picks the execution target of each query: {@code fixed} (every query runs on {@code target}: {@code cpu},
 * {@code gpu}, {@code dsp}, ... as the device advertises it, or {@code offload} to {@code offloadTo}), or AutoScale
 * ({@code autoscale}) and its baselines ({@link #AUTOSCALE_KINDS}).
 *
 * @param policies type {@code autoscale}: the policies the comparison runs, in order (default: every one of
 *     {@link #AUTOSCALE_KINDS})
 * @param params type {@code autoscale}: hyper-parameters, bins and profiling settings (experiments/README.md)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicySpec(String kind, String target, String offloadTo, List<String> policies, JsonNode params) {
  /** AutoScale and its baselines (SYSTEMS.md section 1), in report order. */
  public static final List<String> AUTOSCALE_KINDS = List.of("cpu-only", "gpu-only", "dsp-only", "edge-only",
      "cloud-only", "best-static", "autoscale", "oracle");

  /** Policy kinds this build accepts; later issues add {@code deeprecsched}, {@code thermal}. */
  public static final List<String> KINDS = java.util.stream.Stream.concat(java.util.stream.Stream.of("fixed"),
      AUTOSCALE_KINDS.stream()).toList();

  public PolicySpec {
    policies = policies == null ? null : List.copyOf(policies);
  }

  public PolicySpec(String kind, String target, String offloadTo) {
    this(kind, target, offloadTo, null, null);
  }

  public static final String OFFLOAD = "offload";

  public static PolicySpec fixed(String target) { return new PolicySpec("fixed", target, null); }

  public boolean offloads() { return OFFLOAD.equals(target); }
}
