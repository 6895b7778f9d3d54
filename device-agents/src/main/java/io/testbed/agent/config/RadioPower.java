package io.testbed.agent.config;

/** Whole-device power while the radio transmits, receives, or waits for an offload peer's answer. */
public record RadioPower(double txW, double rxW, double idleWaitW) {
  public RadioPower {
    for (double w : new double[] {txW, rxW, idleWaitW}) {
      if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("radio power must be >= 0 W, was " + w);
    }
  }
}
