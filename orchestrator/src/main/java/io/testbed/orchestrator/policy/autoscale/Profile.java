package io.testbed.orchestrator.policy.autoscale;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An exhaustive profile of one model on one device (SYSTEMS.md section 1, the oracle's "perfect knowledge"): for every
 * condition level the timeline uses and every action, the mean latency, energy and accuracy measured beforehand.
 *
 * @param model the model profiled
 * @param actionIds every action, in the order that breaks ties (normally {@link ActionSpace#ids()})
 * @param entries by condition, by action id; every condition must have every action
 */
public record Profile(String model, List<String> actionIds, Map<Observation.Condition, Map<String, Expectation>> entries) {

  /**
   * Mean measurements of one action under one condition.
   *
   * @param accuracy in [0, 1], or NaN when unknown (then it does not limit feasibility)
   */
  public record Expectation(double latencyMs, double energyJ, double accuracy) {
    public Expectation {
      if (!(latencyMs >= 0) || Double.isInfinite(latencyMs)) throw new IllegalArgumentException("latencyMs must be >= 0, was " + latencyMs);
      if (!(energyJ >= 0) || Double.isInfinite(energyJ)) throw new IllegalArgumentException("energyJ must be >= 0, was " + energyJ);
      if (!Double.isNaN(accuracy) && !(accuracy >= 0 && accuracy <= 1)) {
        throw new IllegalArgumentException("accuracy must be in [0, 1] or NaN, was " + accuracy);
      }
    }

    /** Meets the QoS latency and the accuracy target (SYSTEMS.md section 1). */
    public boolean feasible(AutoScaleSettings.Objective o) {
      return latencyMs <= o.qosLatencyMs() && (Double.isNaN(accuracy) || accuracy >= o.accuracyTarget());
    }
  }

  public Profile {
    if (model == null || model.isBlank()) throw new IllegalArgumentException("model is required");
    actionIds = List.copyOf(actionIds);
    if (actionIds.isEmpty()) throw new IllegalArgumentException("actionIds must not be empty");
    if (entries.isEmpty()) throw new IllegalArgumentException("entries must not be empty");
    Set<String> ids = Set.copyOf(actionIds);
    if (ids.size() != actionIds.size()) throw new IllegalArgumentException("actionIds must be distinct");
    Map<Observation.Condition, Map<String, Expectation>> copy = new LinkedHashMap<>();
    for (Map.Entry<Observation.Condition, Map<String, Expectation>> e : entries.entrySet()) {
      if (!e.getValue().keySet().equals(ids)) {
        throw new IllegalArgumentException("entries[" + e.getKey().name() + "] must have exactly the actions " + actionIds
            + ", had " + new java.util.TreeSet<>(e.getValue().keySet()));
      }
      copy.put(e.getKey(), Map.copyOf(e.getValue()));
    }
    entries = java.util.Collections.unmodifiableMap(copy);
  }

  /** The expectation of an action under a condition; throws naming what is missing. */
  public Expectation expectation(Observation.Condition c, String actionId) {
    Map<String, Expectation> byAction = entries.get(c);
    if (byAction == null) throw new IllegalArgumentException("condition '" + c.name() + "' is not in the profile");
    Expectation e = byAction.get(actionId);
    if (e == null) throw new IllegalArgumentException("action '" + actionId + "' is not in the profile");
    return e;
  }

  public Set<Observation.Condition> conditions() {
    return entries.keySet();
  }
}
