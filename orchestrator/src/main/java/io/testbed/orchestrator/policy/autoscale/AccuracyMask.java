package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.Precision;
import java.util.Map;
import java.util.Set;

/**
 * Which actions are known to reach the accuracy target (SYSTEMS.md section 1: "actions violating the accuracy target
 * may be masked"), e.g. the INT8 variant on the DSP when its measured accuracy is below the target.
 */
@FunctionalInterface
public interface AccuracyMask {

  boolean meetsTarget(Action a);

  /** Every action meets the target. */
  static AccuracyMask none() {
    return a -> true;
  }

  /**
   * By the model variant's known accuracy: an action whose precision's accuracy is below {@code target} fails; a
   * precision missing from the map passes (unknown is not masked).
   */
  static AccuracyMask byPrecision(Map<Precision, Double> accuracy, double target) {
    Map<Precision, Double> copy = Map.copyOf(accuracy);
    return a -> {
      Double acc = copy.get(a.precision());
      return acc == null || acc >= target;
    };
  }

  /** The actions with these ids fail. */
  static AccuracyMask failing(Set<String> actionIds) {
    Set<String> copy = Set.copyOf(actionIds);
    return a -> !copy.contains(a.id());
  }
}
