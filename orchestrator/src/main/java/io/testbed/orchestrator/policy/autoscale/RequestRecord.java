package io.testbed.orchestrator.policy.autoscale;

/**
 * One request of a policy's run on the shared trace, with the oracle's view of it; made by
 * {@link Oracle#record}. The input of {@link PolicyReport}.
 *
 * @param index 0-based position in the trace
 * @param actionId what the policy chose
 * @param oracleActionId what the oracle chose for the same request
 * @param latencyMs measured
 * @param energyJ measured (as the device reported it)
 * @param accuracy of the variant that ran, NaN when unknown
 * @param ok the inference succeeded
 * @param profiledEnergyJ the profile's mean energy of {@code actionId} under the request's condition
 * @param profiledFeasible the profile says {@code actionId} meets QoS and accuracy under that condition
 * @param oracleProfiledEnergyJ the profile's mean energy of the oracle's choice
 * @param oracleFallback no action was feasible under that condition (the oracle took the fastest)
 */
public record RequestRecord(
    String policy, long index, String actionId, String oracleActionId, double latencyMs, double energyJ,
    double accuracy, boolean ok, double profiledEnergyJ, boolean profiledFeasible, double oracleProfiledEnergyJ,
    boolean oracleFallback) {

  public RequestRecord {
    if (policy == null || policy.isBlank()) throw new IllegalArgumentException("policy is required");
    if (actionId == null || oracleActionId == null) throw new IllegalArgumentException("actionId and oracleActionId are required");
    if (index < 0) throw new IllegalArgumentException("index must be >= 0, was " + index);
  }

  public boolean equalsOracle() {
    return actionId.equals(oracleActionId);
  }
}
