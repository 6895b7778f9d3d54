package io.testbed.experiments.spec;

import io.testbed.protocol.Hello;
import io.testbed.protocol.Precision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks a valid spec against the devices that are there (their {@link Hello}s) and picks the devices: unknown
 * devices, models or targets come back named, for an HTTP 422. Kind selectors take devices of that kind in id order,
 * skipping those already picked by id.
 */
public final class SpecResolver {
  private SpecResolver() {}

  /**
   * Outcome of resolving.
   *
   * @param devices the selected devices, in spec order
   * @param offloadPeer the device offloaded to, when the policy offloads and it is known
   * @param unknownDevices device ids (or {@code kind x count} requests) the catalogue cannot satisfy
   * @param unknownModels models no device in the catalogue has
   * @param unknownTargets {@code device:target} pairs the device does not advertise
   * @param problems every problem, with its spec path (includes the three lists above)
   */
  public record Resolution(
      List<Hello> devices,
      Hello offloadPeer,
      List<String> unknownDevices,
      List<String> unknownModels,
      List<String> unknownTargets,
      List<SpecProblem> problems) {
    public Resolution {
      devices = List.copyOf(devices);
      unknownDevices = List.copyOf(unknownDevices);
      unknownModels = List.copyOf(unknownModels);
      unknownTargets = List.copyOf(unknownTargets);
      problems = List.copyOf(problems);
    }

    public boolean ok() { return problems.isEmpty(); }

    /** Every unknown name, for a 422 message. */
    public List<String> unknownNames() {
      List<String> all = new ArrayList<>(unknownDevices);
      all.addAll(unknownModels);
      all.addAll(unknownTargets);
      return all;
    }
  }

  public static Resolution resolve(ExperimentSpec spec, List<Hello> catalogue) {
    Map<String, Hello> byId = catalogue.stream()
        .collect(Collectors.toMap(Hello::deviceId, Function.identity(), (a, b) -> b, java.util.LinkedHashMap::new));
    List<SpecProblem> problems = new ArrayList<>();
    Set<String> unknownDevices = new LinkedHashSet<>();
    Set<String> unknownModels = new LinkedHashSet<>();
    Set<String> unknownTargets = new LinkedHashSet<>();

    // Ids first, so kind selectors do not take a device that is asked for by name.
    Set<String> picked = new LinkedHashSet<>();
    for (DeviceSelector d : spec.devices()) if (d.id() != null && byId.containsKey(d.id())) picked.add(d.id());
    List<Hello> selected = new ArrayList<>();
    for (int i = 0; i < spec.devices().size(); i++) {
      DeviceSelector d = spec.devices().get(i);
      if (d.id() != null) {
        Hello h = byId.get(d.id());
        if (h == null) {
          unknownDevices.add(d.id());
          problems.add(new SpecProblem("devices[" + i + "].id", "unknown device '" + d.id() + "'"));
        } else {
          selected.add(h);
        }
      } else {
        List<Hello> free = catalogue.stream().filter(h -> h.kind() == d.kind() && !picked.contains(h.deviceId()))
            .sorted(Comparator.comparing(Hello::deviceId)).toList();
        int wanted = d.wanted();
        if (free.size() < wanted) {
          unknownDevices.add(d.kind().wireName() + " x" + wanted);
          problems.add(new SpecProblem("devices[" + i + "]", "asks for " + wanted + " " + d.kind().wireName()
              + " device(s) but " + free.size() + " more are available"));
        }
        for (Hello h : free.subList(0, Math.min(wanted, free.size()))) {
          picked.add(h.deviceId());
          selected.add(h);
        }
      }
    }

    PolicySpec policy = spec.policy();
    Hello peer = null;
    if (policy.offloads()) {
      peer = byId.get(policy.offloadTo());
      if (peer == null) {
        unknownDevices.add(policy.offloadTo());
        problems.add(new SpecProblem("policy.offloadTo", "unknown device '" + policy.offloadTo() + "'"));
      } else if (peer.endpoint() == null) {
        problems.add(new SpecProblem("policy.offloadTo",
            "device '" + peer.deviceId() + "' accepts no offloaded requests (its hello has no endpoint)"));
      }
    } else if (policy.target() != null) {
      for (Hello h : selected) {
        if (h.target(policy.target()).isEmpty()) {
          unknownTargets.add(h.deviceId() + ":" + policy.target());
          problems.add(new SpecProblem("policy.target", "device '" + h.deviceId() + "' has no target '"
              + policy.target() + "' (has: " + h.targets().stream().map(t -> t.id()).collect(Collectors.joining(", ")) + ")"));
        }
      }
    }

    Precision precision = spec.precision() == null ? Precision.FP32 : spec.precision();
    List<Hello> runners = policy.offloads() ? (peer == null ? List.of() : List.of(peer)) : selected;
    for (int j = 0; j < spec.models().size(); j++) {
      String model = spec.models().get(j);
      String path = "models[" + j + "]";
      if (catalogue.stream().noneMatch(h -> h.model(model).isPresent())) {
        unknownModels.add(model);
        problems.add(new SpecProblem(path, "unknown model '" + model + "' (no device has it)"));
        continue;
      }
      for (Hello h : runners) {
        Optional<io.testbed.protocol.ModelInfo> m = h.model(model);
        if (m.isEmpty()) {
          problems.add(new SpecProblem(path, "device '" + h.deviceId() + "' has no model '" + model + "'"));
        } else if (!m.get().precisions().contains(precision)) {
          problems.add(new SpecProblem(path, "device '" + h.deviceId() + "' has model '" + model + "' only in "
              + m.get().precisions().stream().map(Precision::wireName).collect(Collectors.joining(", "))));
        }
      }
    }

    List<TimelineEvent> timeline = spec.timeline() == null ? List.of() : spec.timeline();
    for (int i = 0; i < timeline.size(); i++) {
      String dev = timeline.get(i).device();
      if (dev != null && !byId.containsKey(dev)) {
        unknownDevices.add(dev);
        problems.add(new SpecProblem("timeline[" + i + "].device", "unknown device '" + dev + "'"));
      }
    }
    return new Resolution(selected, peer, List.copyOf(unknownDevices), List.copyOf(unknownModels),
        List.copyOf(unknownTargets), problems);
  }
}
