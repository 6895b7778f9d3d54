package io.testbed.orchestrator.actor.calibration;

import io.testbed.experiments.calibration.CalibrationSpec;
import io.testbed.experiments.spec.SpecProblem;
import io.testbed.orchestrator.model.MeterView;
import io.testbed.protocol.Hello;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Resolves a {@code calibration} spec against the devices that said hello and the meters the orchestrator knows: the
 * device must be known and offer every model and target; the meter must be known (when named) or one must be bound
 * to the device (when not). Unknowns answer 422, each problem naming its field.
 */
public final class CalibrationSubmissions {
  private CalibrationSubmissions() {}

  /** Outcome: the device's hello and the meter id, or what is unknown and why. */
  public record Resolution(Hello device, String meterId, List<String> unknownDevices, List<String> unknownModels,
      List<String> unknownTargets, List<SpecProblem> problems) {
    public boolean ok() { return problems.isEmpty(); }
  }

  public static Resolution resolve(CalibrationSpec spec, List<Hello> catalogue, List<MeterView> meters) {
    List<String> unknownDevices = new ArrayList<>();
    List<String> unknownModels = new ArrayList<>();
    List<String> unknownTargets = new ArrayList<>();
    List<SpecProblem> problems = new ArrayList<>();
    Hello h = catalogue.stream().filter(d -> d.deviceId().equals(spec.device())).findFirst().orElse(null);
    if (h == null) {
      unknownDevices.add(spec.device());
      problems.add(new SpecProblem("device", "unknown device '" + spec.device() + "' (or it has not said hello)"));
    } else {
      for (int i = 0; i < spec.models().size(); i++) {
        String m = spec.models().get(i);
        if (h.model(m).isEmpty()) {
          unknownModels.add(m);
          problems.add(new SpecProblem("models[" + i + "]", "device '" + h.deviceId() + "' does not load model '" + m + "'"));
        }
      }
      for (Map.Entry<String, List<String>> e : spec.targets().entrySet()) {
        for (String t : e.getValue()) {
          if (h.target(t).isEmpty() && !unknownTargets.contains(t)) {
            unknownTargets.add(t);
            problems.add(new SpecProblem("targets", "device '" + h.deviceId() + "' has no target '" + t + "' (it has "
                + h.targets().stream().map(x -> x.id()).toList() + ")"));
          }
        }
      }
    }
    String meterId = null;
    if (spec.meter() != null) {
      if (meters.stream().noneMatch(m -> m.id().equals(spec.meter()))) {
        problems.add(new SpecProblem("meter", "unknown meter '" + spec.meter() + "': it has sent no samples (GET /api/v1/meters)"));
      } else {
        meterId = spec.meter();
      }
    } else {
      meterId = meters.stream().filter(m -> spec.device().equals(m.boundDevice())).map(MeterView::id).findFirst().orElse(null);
      if (meterId == null) {
        problems.add(new SpecProblem("meter", "no meter is bound to device '" + spec.device() + "': start a power bridge "
            + "with a meter for it, bind one (PUT /api/v1/meters/{id}/binding) or name one in \"meter\""));
      }
    }
    return new Resolution(h, meterId, unknownDevices, unknownModels, unknownTargets, problems);
  }
}
