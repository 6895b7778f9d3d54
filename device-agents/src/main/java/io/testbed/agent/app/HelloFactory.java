package io.testbed.agent.app;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.DeviceProfile;
import io.testbed.agent.config.TargetProfile;
import io.testbed.agent.port.CpuCap;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SensorInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the device's {@link Hello} (capabilities, models, software, notes) from its settings and the state of its CPU cap. */
public final class HelloFactory {
  public static final String AGENT_VERSION = "0.1.0";

  private final AgentSettings settings;
  private final List<ExecutionTarget> targets;
  private final List<ModelInfo> models;
  private final List<SensorInfo> sensors;
  private final Map<String, String> software;
  private final List<String> notes;

  public HelloFactory(AgentSettings settings, ModelZoo zoo, CpuCap cap, boolean thermalZones, String onnxRuntimeVersion) {
    this(settings, zoo, cap, thermalZones, onnxRuntimeVersion, List.of());
  }

  /** With further notes (shaper, radio model, DVFS control). */
  public HelloFactory(AgentSettings settings, ModelZoo zoo, CpuCap cap, boolean thermalZones, String onnxRuntimeVersion, List<String> extraNotes) {
    this.settings = settings;
    DeviceProfile p = settings.profile();
    boolean speedByPadding = settings.emulated() && p.needsCap() && !cap.enforced();
    this.targets = p.targets().stream()
        .map(t -> new ExecutionTarget(t.id(), t.kind(), t.precision(), t.dvfsLevelsMHz(), p.relativeSpeed(t), t.modelled() || speedByPadding))
        .toList();
    this.models = settings.models().stream().map(n -> zoo.model(n).info()).toList();
    this.sensors = !settings.emulated() && thermalZones ? List.of(new SensorInfo("thermal", "temperature", "C")) : List.of();
    Map<String, String> sw = new LinkedHashMap<>();
    sw.put("agent", AGENT_VERSION);
    sw.put("onnxruntime", onnxRuntimeVersion);
    sw.put("java", System.getProperty("java.version"));
    sw.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    this.software = Map.copyOf(sw);
    List<String> n = new ArrayList<>(notes(settings, cap));
    n.addAll(extraNotes);
    this.notes = List.copyOf(n);
  }

  /** The limitations a user of this device should know about. */
  static List<String> notes(AgentSettings s, CpuCap cap) {
    DeviceProfile p = s.profile();
    List<String> notes = new ArrayList<>();
    if (s.emulated()) {
      notes.add("emulated " + p.name() + " on host " + hostName() + ": power and non-cpu targets are modelled");
      if (p.needsCap()) {
        if (cap.enforced()) {
          notes.add(String.format(Locale.ROOT, "cpu capped at %.2f of a host core (cgroup v1 cpu quota)", p.cpuShare()));
        } else {
          notes.add(cap.reason() + "; cpu speed is emulated by padding compute times, not by a real cap");
        }
      }
      for (TargetProfile t : p.targets()) {
        if (t.modelled() && p.relativeSpeed(t) > 1.0) {
          notes.add(String.format(Locale.ROOT,
              "target %s models %.2f host cores, faster than one host core can run it: its compute times are the measured ones",
              t.id(), p.relativeSpeed(t)));
        }
      }
    } else {
      notes.add("real device: cpu is not capped; DVFS levels and modelled targets are emulated by padding compute times");
    }
    return List.copyOf(notes);
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  public List<String> notes() { return notes; }

  public Hello hello(long epochNs) {
    return new Hello(SchemaVersion.CURRENT, settings.deviceId(), epochNs, settings.profile().kind(), settings.profile().name(),
        settings.emulated(), targets, models, sensors, software, settings.endpoint().isEmpty() ? null : settings.endpoint(), notes);
  }

  static String ortVersion() {
    try {
      return InferenceEngine.onnxRuntimeVersion();
    } catch (RuntimeException | LinkageError e) {
      return "unknown";
    }
  }
}
