package io.testbed.agent.exec;

/**
 * How long a (possibly modelled) target takes, from a real run on the host. The run happened at {@code runSpeed}
 * (share of a host core under the CPU cap, 1.0 uncapped); the target computes at {@code targetSpeed}. When the target
 * is slower, the agent pads with a sleep so that wall time matches; when it is faster than the host could run, the
 * measured time stands and {@code fasterThanHost} says so.
 *
 * @param computeMs the compute time to report
 * @param padMs how long to sleep after the real run (0 when none)
 */
public record TargetTiming(double computeMs, double padMs, boolean fasterThanHost) {
  public static TargetTiming plan(double measuredMs, double runSpeed, double targetSpeed) {
    if (!(measuredMs >= 0) || !(runSpeed > 0) || !(targetSpeed > 0)) {
      throw new IllegalArgumentException("measuredMs >= 0 and speeds > 0 required: " + measuredMs + ", " + runSpeed + ", " + targetSpeed);
    }
    double modelled = measuredMs * runSpeed / targetSpeed;
    if (modelled >= measuredMs) return new TargetTiming(modelled, modelled - measuredMs, false);
    return new TargetTiming(measuredMs, 0, true);
  }
}
