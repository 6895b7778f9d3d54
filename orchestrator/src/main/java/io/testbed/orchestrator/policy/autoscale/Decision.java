package io.testbed.orchestrator.policy.autoscale;

import java.util.Arrays;

/**
 * What {@link QLearner#decide} chose for one request.
 *
 * @param action the action to carry out
 * @param actionIndex its index in the learner's {@link ActionSpace}
 * @param explored true when epsilon-greedy explored (a uniformly random allowed action) rather than exploited
 * @param qValues the state's Q-values in action-index order at decision time (a copy)
 */
public record Decision(Action action, int actionIndex, boolean explored, double[] qValues) {

  @Override
  public boolean equals(Object o) {
    return o instanceof Decision d && d.action.equals(action) && d.actionIndex == actionIndex && d.explored == explored
        && Arrays.equals(d.qValues, qValues);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * action.hashCode() + actionIndex) + Arrays.hashCode(qValues) + (explored ? 1 : 0);
  }

  @Override
  public String toString() {
    return "Decision[" + action.id() + (explored ? " explored" : " greedy") + ", q=" + Arrays.toString(qValues) + "]";
  }
}
