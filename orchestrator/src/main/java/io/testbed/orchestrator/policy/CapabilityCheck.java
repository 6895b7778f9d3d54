package io.testbed.orchestrator.policy;

import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides whether a device can take an inference request, from the capabilities in its hello. Pure: the twin and the
 * job manager both ask it, and the answer names what is unknown.
 */
public final class CapabilityCheck {
  private CapabilityCheck() {}

  /** What the device advertises. */
  public record Capabilities(String deviceId, List<ExecutionTarget> targets, List<ModelInfo> models) {}

  /** A refusal: {@code code} is a stable token ({@code unknown-model}, ...), {@code message} names the culprit. */
  public record Problem(String code, String message) {}

  /**
   * Checks a request against the device's capabilities.
   *
   * @param precision null = take the default (see {@link #defaultPrecision})
   * @param dvfsLevelMHz null = the target's highest
   */
  public static Optional<Problem> check(
      Capabilities device, String model, String target, Precision precision, Integer dvfsLevelMHz) {
    Optional<ModelInfo> m = device.models().stream().filter(x -> x.name().equals(model)).findFirst();
    if (m.isEmpty()) {
      return problem("unknown-model", "unknown model '" + model + "' on device '" + device.deviceId() + "' (has: "
          + device.models().stream().map(ModelInfo::name).collect(Collectors.joining(", ")) + ")");
    }
    if (InferenceCommand.OFFLOAD.equals(target)) {
      if (dvfsLevelMHz != null) {
        return problem("invalid-dvfs-level", "dvfsLevelMHz does not apply to target 'offload'");
      }
      if (precision != null && !m.get().precisions().contains(precision)) {
        return problem("unknown-precision", "model '" + model + "' has no " + precision.wireName() + " variant on device '"
            + device.deviceId() + "'");
      }
      return Optional.empty();
    }
    Optional<ExecutionTarget> t = device.targets().stream().filter(x -> x.id().equals(target)).findFirst();
    if (t.isEmpty()) {
      return problem("unknown-target", "unknown target '" + target + "' on device '" + device.deviceId() + "' (has: "
          + device.targets().stream().map(ExecutionTarget::id).collect(Collectors.joining(", ")) + ")");
    }
    Precision p = precision == null ? t.get().precision() : precision;
    if (!m.get().precisions().contains(p)) {
      return problem("unknown-precision", "model '" + model + "' has no " + p.wireName() + " variant on device '"
          + device.deviceId() + "'");
    }
    if (p != t.get().precision()) {
      return problem("unknown-precision", "target '" + target + "' runs " + t.get().precision().wireName() + ", not "
          + p.wireName());
    }
    if (dvfsLevelMHz != null && !t.get().dvfsLevelsMHz().contains(dvfsLevelMHz)) {
      return problem("invalid-dvfs-level", "target '" + target + "' has no DVFS level " + dvfsLevelMHz + " MHz (has: "
          + t.get().dvfsLevelsMHz() + ")");
    }
    return Optional.empty();
  }

  /** Checks that a peer can serve offloaded requests for the model. */
  public static Optional<Problem> checkOffloadPeer(Capabilities peer, String peerEndpoint, String model) {
    if (peerEndpoint == null || peerEndpoint.isBlank()) {
      return problem("unknown-peer", "peer '" + peer.deviceId() + "' has no inference endpoint in its hello");
    }
    if (peer.models().stream().noneMatch(x -> x.name().equals(model))) {
      return problem("unknown-model", "unknown model '" + model + "' on offload peer '" + peer.deviceId() + "'");
    }
    return Optional.empty();
  }

  /** The precision a request gets when it names none: the target's, or for offload FP32 if the model has it. */
  public static Precision defaultPrecision(Capabilities device, String model, String target) {
    if (!InferenceCommand.OFFLOAD.equals(target)) {
      Optional<ExecutionTarget> t = device.targets().stream().filter(x -> x.id().equals(target)).findFirst();
      if (t.isPresent()) return t.get().precision();
    }
    return device.models().stream()
        .filter(x -> x.name().equals(model))
        .findFirst()
        .map(m -> m.precisions().contains(Precision.FP32) ? Precision.FP32 : m.precisions().get(0))
        .orElse(Precision.FP32);
  }

  private static Optional<Problem> problem(String code, String message) {
    return Optional.of(new Problem(code, message));
  }
}
