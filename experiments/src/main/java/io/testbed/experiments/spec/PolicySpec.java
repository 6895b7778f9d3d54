package io.testbed.experiments.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Who picks the execution target of each query. For now only {@code fixed}: every query runs on {@code target}
 * ({@code cpu}, {@code gpu}, {@code dsp}, ... as the device advertises it, or {@code offload} to {@code offloadTo}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicySpec(String kind, String target, String offloadTo) {
  /** Policy kinds this build accepts; later issues add {@code autoscale}, {@code deeprecsched}, {@code thermal}. */
  public static final List<String> KINDS = List.of("fixed");

  public static final String OFFLOAD = "offload";

  public static PolicySpec fixed(String target) { return new PolicySpec("fixed", target, null); }

  public boolean offloads() { return OFFLOAD.equals(target); }
}
