package io.testbed.experiments.thermal;

/**
 * One frame of a thermal run as the controller saw it: time since the policy's run started, the mode the node
 * processed it in, the junction temperature at its end, fidelity, modelled powers, whether it was the high-fidelity
 * capture, and the threshold in force.
 *
 * @param agreement top-1 agreement noisy vs clean (null for CAP frames: no model ran)
 */
public record ThermalFrame(
    String policy,
    int repetition,
    long index,
    long tNs,
    String mode,
    double temperatureC,
    double psnrDb,
    Double agreement,
    double nodePowerW,
    double transferPowerW,
    double farPowerW,
    boolean capture,
    boolean ok,
    double thresholdC) {

  /** Node + transfer + far processing power. */
  public double systemPowerW() { return nodePowerW + transferPowerW + farPowerW; }

  /** Whether the frame was processed (NSP or FAR), not only captured. */
  public boolean processed() { return ok && !"cap".equals(mode); }
}
