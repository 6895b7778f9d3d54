package io.testbed.orchestrator.policy.autoscale;

/**
 * How one inference went, as the policy consumes it (from the device's {@code InferenceResult}). The energy of an
 * offload is whatever the device reported (modelled radio + idle wait): the policy does not model it.
 *
 * @param latencyMs end-to-end latency
 * @param energyJ energy on the requesting device (0 when unknown: the failure penalty still applies to failures)
 * @param accuracy accuracy of the model variant that ran, in [0, 1], or NaN when unknown (then not checked)
 * @param ok false for a failed, timed-out or rejected inference
 */
public record RequestOutcome(double latencyMs, double energyJ, double accuracy, boolean ok) {
  public RequestOutcome {
    if (!(latencyMs >= 0) || Double.isInfinite(latencyMs)) {
      throw new IllegalArgumentException("latencyMs must be a finite number >= 0, was " + latencyMs);
    }
    if (!(energyJ >= 0) || Double.isInfinite(energyJ)) {
      throw new IllegalArgumentException("energyJ must be a finite number >= 0, was " + energyJ);
    }
    if (!Double.isNaN(accuracy) && !(accuracy >= 0 && accuracy <= 1)) {
      throw new IllegalArgumentException("accuracy must be in [0, 1] or NaN, was " + accuracy);
    }
  }
}
