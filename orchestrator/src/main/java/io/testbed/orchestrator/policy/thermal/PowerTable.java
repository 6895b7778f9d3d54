package io.testbed.orchestrator.policy.thermal;

/**
 * Power figures {@link ThermalSim} accounts with (SYSTEMS.md section 4 metrics), all modelled: the node's own power in
 * NSP, CAP and FAR (radio excluded), the radio's average power while shipping frames in FAR, and the far processor's
 * energy per frame. The node heats with its own power plus, in FAR, the radio's. Built from the agent's
 * {@code SensorPowerModel} by the launcher.
 */
public record PowerTable(double nspW, double capW, double farNodeW, double transferW, double farJPerFrame) {
  public PowerTable {
    for (double v : new double[] {nspW, capW, farNodeW, transferW, farJPerFrame}) {
      if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("power figures must be finite and >= 0: " + this);
    }
  }

  /** The node's own power in {@code mode}, radio excluded. */
  public double nodeW(Mode mode) {
    return switch (mode) { case NSP -> nspW; case CAP -> capW; case FAR -> farNodeW; };
  }

  /** The power that heats the sensor in {@code mode}. */
  public double heatingW(Mode mode) { return nodeW(mode) + (mode == Mode.FAR ? transferW : 0); }
}
