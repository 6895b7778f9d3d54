package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.TargetKind;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A baseline that always takes one action (SYSTEMS.md section 1): CPU-only at the highest DVFS level, GPU-only,
 * DSP-only (DSP or NPU, INT8 model), edge-only, cloud-only, or the best static action ({@link BestStatic}).
 *
 * @param name the policy's name in reports: {@code cpu-only}, {@code gpu-only}, ...
 */
public record StaticPolicy(String name, Action action) {
  public static final String CPU_ONLY = "cpu-only";
  public static final String GPU_ONLY = "gpu-only";
  public static final String DSP_ONLY = "dsp-only";
  public static final String EDGE_ONLY = "edge-only";
  public static final String CLOUD_ONLY = "cloud-only";

  public StaticPolicy {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    if (action == null) throw new IllegalArgumentException("action is required");
  }

  /** The same action for every request. */
  public Action choose() {
    return action;
  }

  /** The CPU at its highest DVFS level, if the space has a CPU target. */
  public static Optional<StaticPolicy> cpuOnly(ActionSpace s) {
    return local(s, CPU_ONLY, TargetKind.CPU);
  }

  public static Optional<StaticPolicy> gpuOnly(ActionSpace s) {
    return local(s, GPU_ONLY, TargetKind.GPU);
  }

  /** The DSP (or, lacking one, the NPU) at its highest level. */
  public static Optional<StaticPolicy> dspOnly(ActionSpace s) {
    return local(s, DSP_ONLY, TargetKind.DSP).or(() -> local(s, DSP_ONLY, TargetKind.NPU));
  }

  /** The first edge peer (peers are ordered by id). */
  public static Optional<StaticPolicy> edgeOnly(ActionSpace s) {
    return first(s, EDGE_ONLY, a -> a instanceof Action.Edge);
  }

  public static Optional<StaticPolicy> cloudOnly(ActionSpace s) {
    return first(s, CLOUD_ONLY, a -> a instanceof Action.Cloud);
  }

  private static Optional<StaticPolicy> local(ActionSpace s, String name, TargetKind kind) {
    return s.actions().stream()
        .filter(a -> a instanceof Action.Local l && l.kind() == kind)
        .map(a -> (Action.Local) a)
        .max(Comparator.comparingInt((Action.Local l) -> l.dvfsMHz() == null ? Integer.MAX_VALUE : l.dvfsMHz())
            .thenComparing(l -> -s.indexOf(l.id())))
        .map(a -> new StaticPolicy(name, a));
  }

  private static Optional<StaticPolicy> first(ActionSpace s, String name, Predicate<Action> p) {
    return s.first(p).map(a -> new StaticPolicy(name, a));
  }
}
