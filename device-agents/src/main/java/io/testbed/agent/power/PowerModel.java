package io.testbed.agent.power;

import io.testbed.agent.config.DeviceProfile;
import io.testbed.agent.config.RadioPower;
import io.testbed.agent.config.TargetProfile;

/**
 * The modelled power of a device (whole-device watts) and the energy of one inference. Pure arithmetic on the
 * profile's figures (SYSTEMS.md section 1: on-device energy = power x latency). Offload energy is the
 * {@link RadioEnergyModel}'s.
 */
public final class PowerModel {
  private final double idleW;
  private final RadioPower radio;

  public PowerModel(double idleW, RadioPower radio) {
    this.idleW = idleW;
    this.radio = radio;
  }

  public static PowerModel of(DeviceProfile profile) { return new PowerModel(profile.idleW(), profile.radio()); }

  public double idleW() { return idleW; }

  public RadioPower radio() { return radio; }

  /** Whole-device power while {@code target} computes at {@code levelMHz} (null: the highest level). */
  public double busyW(TargetProfile target, Integer levelMHz) { return target.busyW(levelMHz); }

  /**
   * Energy of a local inference: busy power during the compute time plus idle power for the rest of the execution
   * window (set-up, copying); time waiting in the queue belongs to the inference before it and is not counted.
   */
  public double localEnergyJ(double busyW, double computeMs, double executionMs) {
    double idleMs = Math.max(0, executionMs - computeMs);
    return (busyW * computeMs + idleW * idleMs) / 1000.0;
  }
}
