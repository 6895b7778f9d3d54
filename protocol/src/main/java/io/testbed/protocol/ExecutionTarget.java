package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A place on a device where inference can run: e.g. {@code cpu} at FP32 with DVFS levels, or {@code dsp} at INT8.
 *
 * @param id unique within the device, a topic-safe token such as {@code cpu}, {@code gpu}, {@code dsp}
 * @param dvfsLevelsMHz available frequency levels, lowest first; empty when not scalable
 * @param relativeSpeed throughput relative to the host's unrestricted CPU (1.0 = as fast as the host)
 * @param modelled true when this target's speed or power is modelled rather than real hardware (e.g. a GPU an emulated phone lacks)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecutionTarget(
    String id, TargetKind kind, Precision precision, List<Integer> dvfsLevelsMHz, double relativeSpeed, boolean modelled) {
  public ExecutionTarget {
    Checks.id("target.id", id);
    Checks.present("target.kind", kind);
    Checks.present("target.precision", precision);
    dvfsLevelsMHz = Checks.list(dvfsLevelsMHz);
    if (!(relativeSpeed > 0) || Double.isInfinite(relativeSpeed)) {
      throw new IllegalArgumentException("target.relativeSpeed must be > 0, was " + relativeSpeed);
    }
  }
}
