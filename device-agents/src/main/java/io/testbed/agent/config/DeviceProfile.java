package io.testbed.agent.config;

import io.testbed.protocol.DeviceKind;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * An emulated (or described real) device: kind, CPU share of one host core, targets, power model and default models.
 *
 * @param cpuShare share of one host core the device's CPU gets; >= 1 means unrestricted
 * @param idleW whole-device idle power
 */
public record DeviceProfile(
    String name, DeviceKind kind, double cpuShare, List<String> models, double idleW, RadioPower radio, List<TargetProfile> targets) {
  public DeviceProfile {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("profile name is required");
    if (kind == null) throw new IllegalArgumentException("profile " + name + ": kind is required");
    if (!(cpuShare > 0) || Double.isInfinite(cpuShare)) {
      throw new IllegalArgumentException("profile " + name + ": cpu-share must be > 0, was " + cpuShare);
    }
    models = List.copyOf(models);
    if (!(idleW >= 0)) throw new IllegalArgumentException("profile " + name + ": power.idle-w must be >= 0, was " + idleW);
    if (radio == null) throw new IllegalArgumentException("profile " + name + ": power.radio is required");
    targets = List.copyOf(targets);
    if (targets.isEmpty()) throw new IllegalArgumentException("profile " + name + ": needs at least one target");
    var ids = new HashSet<String>();
    for (TargetProfile t : targets) {
      if (!ids.add(t.id())) throw new IllegalArgumentException("profile " + name + ": target id '" + t.id() + "' appears twice");
      if (io.testbed.protocol.InferenceCommand.OFFLOAD.equals(t.id())) {
        throw new IllegalArgumentException("profile " + name + ": 'offload' is reserved, not a target id");
      }
    }
  }

  public Optional<TargetProfile> target(String id) {
    return targets.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  /** Throughput of a target relative to the host's unrestricted core, at its highest level (the hello's figure). */
  public double relativeSpeed(TargetProfile t) {
    return Math.min(1.0, cpuShare) * t.speedFactor();
  }

  /** True when the device's CPU is slower than a host core, so the emulation needs a cap. */
  public boolean needsCap() { return cpuShare < 1.0; }
}
