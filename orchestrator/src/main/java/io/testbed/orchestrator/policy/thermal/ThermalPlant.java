package io.testbed.orchestrator.policy.thermal;

/**
 * The sensor's thermal behaviour as {@link ThermalSim} drives it, immutable: the junction temperature now and the
 * plant after holding a power for a while. The launcher adapts the agent's {@code ThermalRcModel} to it.
 */
public interface ThermalPlant {
  double junctionC();

  /** The plant after {@code dtNs} at constant {@code powerW}. */
  ThermalPlant step(double powerW, long dtNs);
}
