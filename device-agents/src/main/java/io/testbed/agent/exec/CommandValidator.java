package io.testbed.agent.exec;

import io.testbed.agent.config.DeviceProfile;
import io.testbed.agent.config.TargetProfile;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.Precision;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Checks a well-formed command against what this device has; a refusal carries a stable code and a message naming the field. */
public final class CommandValidator {
  private final String deviceId;
  private final DeviceProfile profile;
  private final Map<String, List<Precision>> modelPrecisions;

  /** @param modelPrecisions the loaded models and the precisions each has */
  public CommandValidator(String deviceId, DeviceProfile profile, Map<String, List<Precision>> modelPrecisions) {
    this.deviceId = deviceId;
    this.profile = profile;
    this.modelPrecisions = Map.copyOf(modelPrecisions);
  }

  /** A refusal: {@code code} from {@link ErrorCodes}. */
  public record Refusal(String code, String message) {}

  public Optional<Refusal> check(InferenceCommand c) {
    if (!deviceId.equals(c.deviceId())) {
      return refuse(ErrorCodes.BAD_COMMAND, "deviceId: command for '" + c.deviceId() + "' arrived at '" + deviceId + "'");
    }
    List<Precision> precisions = modelPrecisions.get(c.model());
    if (precisions == null) {
      return refuse(ErrorCodes.UNKNOWN_MODEL, "model: '" + c.model() + "' is not loaded on " + deviceId + " (loaded: "
          + modelPrecisions.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
    }
    if (!precisions.contains(c.precision())) {
      return refuse(ErrorCodes.BAD_COMMAND, "precision: model " + c.model() + " has no " + c.precision().wireName() + " variant");
    }
    if (c.offloaded()) {
      try {
        URI u = URI.create(c.offloadUrl());
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
          return refuse(ErrorCodes.BAD_COMMAND, "offloadUrl: expected http(s)://host:port, was '" + c.offloadUrl() + "'");
        }
      } catch (IllegalArgumentException e) {
        return refuse(ErrorCodes.BAD_COMMAND, "offloadUrl: not a URL: '" + c.offloadUrl() + "'");
      }
      return Optional.empty();
    }
    Optional<TargetProfile> t = profile.target(c.target());
    if (t.isEmpty()) {
      return refuse(ErrorCodes.UNKNOWN_TARGET, "target: '" + c.target() + "' is not a target of " + deviceId + " (targets: "
          + profile.targets().stream().map(TargetProfile::id).collect(Collectors.joining(", ")) + ", " + InferenceCommand.OFFLOAD + ")");
    }
    if (t.get().precision() != c.precision()) {
      return refuse(ErrorCodes.BAD_COMMAND, "precision: target " + c.target() + " runs " + t.get().precision().wireName()
          + ", the command asks " + c.precision().wireName());
    }
    if (!t.get().offersLevel(c.dvfsLevelMHz())) {
      return refuse(ErrorCodes.BAD_COMMAND, "dvfsLevelMHz: target " + c.target() + " has no level " + c.dvfsLevelMHz()
          + " MHz (levels: " + t.get().dvfsLevelsMHz() + ")");
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(String code, String message) { return Optional.of(new Refusal(code, message)); }
}
