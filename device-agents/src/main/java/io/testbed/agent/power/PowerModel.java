package io.testbed.agent.power;

import io.testbed.agent.config.DeviceProfile;
import io.testbed.agent.config.RadioPower;
import io.testbed.agent.config.TargetProfile;

/**
 * The modelled power of a device (whole-device watts) and the energy of one inference. Pure arithmetic on the
 * profile's figures (SYSTEMS.md section 1: on-device energy = power x latency; offload energy = radio power x transfer
 * time + idle power while waiting).
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

  /**
   * Energy of an offload on the requesting device: the network time is split between upload and download in
   * proportion to the bytes each way (transmit and receive power), and the peer's compute time is spent waiting with
   * the radio idle-listening. A later issue refines the radio model with RSSI.
   */
  public double offloadEnergyJ(double networkMs, double peerComputeMs, long bytesSent, long bytesReceived) {
    double total = (double) bytesSent + bytesReceived;
    double upShare = total > 0 ? bytesSent / total : 0.5;
    double upMs = networkMs * upShare;
    double downMs = networkMs - upMs;
    return (radio.txW() * upMs + radio.rxW() * downMs + radio.idleWaitW() * peerComputeMs) / 1000.0;
  }
}
