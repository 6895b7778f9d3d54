package io.testbed.orchestrator.actor.recsched;

import io.testbed.experiments.recsched.RecSchedSpec;
import io.testbed.experiments.spec.SpecProblem;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves a {@code recsched} spec against the devices that said hello: every server must be known, have an
 * {@code endpoint} and list every model as a recommendation model (family {@code recommendation}).
 */
public final class RecSchedSubmissions {
  private RecSchedSubmissions() {}

  /** Outcome: the servers' hellos in spec order, or what is unknown (422) and why. */
  public record Resolution(List<Hello> servers, List<String> unknownDevices, List<String> unknownModels,
      List<SpecProblem> problems) {
    public boolean ok() { return unknownDevices.isEmpty() && unknownModels.isEmpty() && problems.isEmpty(); }
  }

  public static Resolution resolve(RecSchedSpec spec, List<Hello> catalogue) {
    List<Hello> servers = new ArrayList<>();
    List<String> unknownDevices = new ArrayList<>();
    List<String> unknownModels = new ArrayList<>();
    List<SpecProblem> problems = new ArrayList<>();
    for (int i = 0; i < spec.servers().size(); i++) {
      String id = spec.servers().get(i);
      Hello h = catalogue.stream().filter(d -> d.deviceId().equals(id)).findFirst().orElse(null);
      if (h == null) {
        unknownDevices.add(id);
        problems.add(new SpecProblem("servers[" + i + "]", "unknown device '" + id + "' (or it has not said hello)"));
        continue;
      }
      servers.add(h);
      if (h.endpoint() == null || h.endpoint().isBlank()) {
        problems.add(new SpecProblem("servers[" + i + "]", "device '" + id + "' has no endpoint: not a recommendation server"));
      }
      for (int j = 0; j < spec.models().size(); j++) {
        String m = spec.models().get(j);
        boolean serves = h.models().stream().anyMatch(x -> x.name().equals(m) && "recommendation".equals(family(x)));
        if (!serves) {
          if (!unknownModels.contains(m)) unknownModels.add(m);
          problems.add(new SpecProblem("models[" + j + "]", "server '" + id + "' does not serve recommendation model '" + m + "'"));
        }
      }
    }
    return new Resolution(servers, unknownDevices, unknownModels, problems);
  }

  private static String family(ModelInfo m) { return m.family(); }
}
