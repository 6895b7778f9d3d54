package io.testbed.orchestrator.policy.autoscale;

/**
 * AutoScale's reward (SYSTEMS.md section 1): {@code r = -energyJ}, minus {@code violationPenalty} when latency &gt;
 * QoS or accuracy &lt; target (one penalty, whichever or both), minus {@code failurePenalty} instead when the
 * inference failed.
 */
public final class Reward {
  private Reward() {}

  public static double of(AutoScaleSettings.Objective o, RequestOutcome out) {
    if (!out.ok()) return -out.energyJ() - o.failurePenalty();
    return violates(o, out) ? -out.energyJ() - o.violationPenalty() : -out.energyJ();
  }

  /** True when an ok outcome misses the QoS latency or the accuracy target (NaN accuracy is not checked). */
  public static boolean violates(AutoScaleSettings.Objective o, RequestOutcome out) {
    return out.latencyMs() > o.qosLatencyMs() || (!Double.isNaN(out.accuracy()) && out.accuracy() < o.accuracyTarget());
  }
}
