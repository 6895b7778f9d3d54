package io.testbed.orchestrator.policy.autoscale;

import java.util.Map;

/**
 * The best-static baseline (SYSTEMS.md section 1): the one action that, averaged over the profile's conditions
 * (weighted by how many requests of the trace see each), meets the QoS latency and accuracy target at the least
 * mean energy; when no action does on average, the one of least mean latency.
 */
public final class BestStatic {
  public static final String NAME = "best-static";

  private BestStatic() {}

  /** Averaged with equal weight per condition. */
  public static StaticPolicy choose(Profile p, ActionSpace space, AutoScaleSettings.Objective o) {
    return choose(p, space, o, null);
  }

  /**
   * @param requestsPerCondition weights (e.g. the trace's count per condition); null = equal weights; a condition
   *     missing from the map has weight 0
   */
  public static StaticPolicy choose(
      Profile p, ActionSpace space, AutoScaleSettings.Objective o, Map<Observation.Condition, Long> requestsPerCondition) {
    String best = null;
    double bestEnergy = Double.POSITIVE_INFINITY;
    String fastest = null;
    double fastestLatency = Double.POSITIVE_INFINITY;
    for (String id : p.actionIds()) {
      double w = 0, lat = 0, energy = 0, acc = 0, accW = 0;
      for (Observation.Condition c : p.conditions()) {
        double wc = requestsPerCondition == null ? 1 : requestsPerCondition.getOrDefault(c, 0L);
        if (wc == 0) continue;
        Profile.Expectation e = p.expectation(c, id);
        w += wc;
        lat += wc * e.latencyMs();
        energy += wc * e.energyJ();
        if (!Double.isNaN(e.accuracy())) {
          acc += wc * e.accuracy();
          accW += wc;
        }
      }
      if (w == 0) throw new IllegalArgumentException("requestsPerCondition gives no weight to any profiled condition");
      Profile.Expectation mean = new Profile.Expectation(lat / w, energy / w, accW == 0 ? Double.NaN : acc / accW);
      if (mean.feasible(o) && mean.energyJ() < bestEnergy) {
        best = id;
        bestEnergy = mean.energyJ();
      }
      if (mean.latencyMs() < fastestLatency) {
        fastest = id;
        fastestLatency = mean.latencyMs();
      }
    }
    String chosen = best != null ? best : fastest;
    int i = space.indexOf(chosen);
    if (i < 0) throw new IllegalArgumentException("profiled action '" + chosen + "' is not in " + space);
    return new StaticPolicy(NAME, space.get(i));
  }
}
