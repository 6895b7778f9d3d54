package io.testbed.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A device announces itself and its capabilities; published retained on {@code .../hello}.
 *
 * @param profile device profile name (e.g. {@code phone}, {@code edge-box}, or a real model name)
 * @param emulated true when this is an emulated device running on a host rather than the real hardware
 * @param endpoint base URL of the device's inference server when it accepts offloaded requests, else null
 * @param software software versions (agent, ONNX Runtime, OS...)
 * @param notes limitations the device wants its user to know (e.g. "cpu cap not enforced: not root")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hello(
    int schemaVersion,
    String deviceId,
    long timestampNs,
    DeviceKind kind,
    String profile,
    boolean emulated,
    List<ExecutionTarget> targets,
    List<ModelInfo> models,
    List<SensorInfo> sensors,
    Map<String, String> software,
    String endpoint,
    List<String> notes)
    implements WireMessage {
  public Hello {
    SchemaVersion.check(schemaVersion);
    Checks.id("deviceId", deviceId);
    Checks.nonNegative("timestampNs", timestampNs);
    Checks.present("kind", kind);
    Checks.text("profile", profile);
    targets = Checks.list(targets);
    models = Checks.list(models);
    sensors = Checks.list(sensors);
    software = Checks.map(software);
    notes = Checks.list(notes);
    long distinct = targets.stream().map(ExecutionTarget::id).distinct().count();
    if (distinct != targets.size()) throw new IllegalArgumentException("targets: ids must be unique");
  }

  public java.util.Optional<ExecutionTarget> target(String id) {
    return targets.stream().filter(t -> t.id().equals(id)).findFirst();
  }

  public java.util.Optional<ModelInfo> model(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
