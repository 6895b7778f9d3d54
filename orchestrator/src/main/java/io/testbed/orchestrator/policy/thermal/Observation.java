package io.testbed.orchestrator.policy.thermal;

/**
 * One controller tick: the node's reported junction temperature (NaN when none arrived), the time, and whether a
 * high-fidelity capture is due (it stays due until a decision captures it).
 */
public record Observation(double temperatureC, long nowNs, boolean captureDue) {
  public Observation {
    if (nowNs < 0) throw new IllegalArgumentException("nowNs must be >= 0, was " + nowNs);
  }
}
