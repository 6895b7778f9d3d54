package io.testbed.agent.power;

import io.testbed.agent.network.RadioTechnology;
import java.util.EnumMap;
import java.util.Map;

/**
 * Modelled radio energy of an offload (SYSTEMS.md section 1: offload energy = radio power (RSSI, direction) x transfer
 * time + idle power while waiting), per technology:
 * <ul>
 *   <li>transfer power {@code P = beta + alpha_dir x throughput} (Huang et al., "A close examination of performance
 *       and power characteristics of 4G LTE networks", MobiSys 2012, Table 4: LTE alpha_u 438.39 mW/Mbps, alpha_d
 *       51.97 mW/Mbps, beta 1288.04 mW; Wi-Fi alpha_u 283.17, alpha_d 137.01, beta 132.86);</li>
 *   <li>scaled up as the signal weakens: {@code x (1 + gain_dir x w)}, w = 0 at {@code good-dbm} rising linearly to 1
 *       at {@code weak-dbm} (transmit power control and retransmissions; Ding et al., "Characterizing and modeling
 *       the impact of wireless signal strength on smartphone battery drain", SIGMETRICS 2013: weak signal raises
 *       radio power, most on the uplink); the gains are our defaults;</li>
 *   <li>waiting for the peer at the tail power; a promotion (idle -> connected: LTE 260 ms at 1.21 W, Huang 2012
 *       Table 3) when the radio was idle; and the tail after the transfer (LTE 11.6 s at 1.06 W, Huang 2012 Table 3;
 *       Wi-Fi a short power-save timeout) charged at the margin: an offload pays the part of its tail that was not
 *       already running from the previous transfer, so back-to-back offloads share one tail and the total is
 *       exact.</li>
 * </ul>
 * All figures are in reference.conf ({@code testbed.agent.radio}). Thread-safe; time comes in as arguments.
 */
public final class RadioEnergyModel {
  /** The figures of one technology. */
  public record Params(double alphaUpMwPerMbps, double alphaDownMwPerMbps, double betaMw, double goodDbm, double weakDbm, double txWeakGain,
      double rxWeakGain, double promotionMs, double promotionW, double tailMs, double tailW) {
    public Params {
      double[] nonNegative = {alphaUpMwPerMbps, alphaDownMwPerMbps, betaMw, txWeakGain, rxWeakGain, promotionMs, promotionW, tailMs, tailW};
      for (double v : nonNegative) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("radio parameters must be finite and >= 0: " + this);
      }
      if (!(goodDbm > weakDbm)) throw new IllegalArgumentException("radio good-dbm must be above weak-dbm: " + this);
    }
  }

  /** The parts of one offload's modelled radio energy, in joules (whole device: {@code deviceIdleJ} is the rest of the device). */
  public record OffloadEnergy(double txJ, double rxJ, double waitJ, double promotionJ, double tailJ, double deviceIdleJ) {
    public double radioJ() { return txJ + rxJ + waitJ + promotionJ + tailJ; }

    public double totalJ() { return radioJ() + deviceIdleJ; }
  }

  /** One offload as measured: times in ms, bytes each way, the link's RSSI (null: as good as {@code good-dbm}). */
  public record Transfer(RadioTechnology technology, Double rssiDbm, double upMs, double downMs, long bytesUp, long bytesDown, double waitMs,
      long startMonoNs, long endMonoNs) {}

  private final Map<RadioTechnology, Params> params;
  private final double deviceIdleW;
  private final Map<RadioTechnology, Long> tailEndsNs = new EnumMap<>(RadioTechnology.class);

  /** @param deviceIdleW whole-device idle power, added for the duration of the offload */
  public RadioEnergyModel(Map<RadioTechnology, Params> params, double deviceIdleW) {
    this.params = new EnumMap<>(params);
    for (RadioTechnology t : RadioTechnology.values()) {
      if (!this.params.containsKey(t)) throw new IllegalArgumentException("radio." + t.wireName() + " parameters are required");
    }
    this.deviceIdleW = deviceIdleW;
  }

  public Params params(RadioTechnology t) { return params.get(t); }

  /** 0 at or above good-dbm, rising linearly to 1 at weak-dbm and below. */
  public static double weakness(Params p, Double rssiDbm) {
    if (rssiDbm == null) return 0;
    return Math.max(0, Math.min(1, (p.goodDbm() - rssiDbm) / (p.goodDbm() - p.weakDbm())));
  }

  /** Radio power while transmitting at {@code throughputMbps} at {@code rssiDbm}. */
  public double txW(RadioTechnology t, Double rssiDbm, double throughputMbps) {
    Params p = params.get(t);
    return (p.betaMw() + p.alphaUpMwPerMbps() * throughputMbps) / 1000.0 * (1 + p.txWeakGain() * weakness(p, rssiDbm));
  }

  /** Radio power while receiving at {@code throughputMbps} at {@code rssiDbm}. */
  public double rxW(RadioTechnology t, Double rssiDbm, double throughputMbps) {
    Params p = params.get(t);
    return (p.betaMw() + p.alphaDownMwPerMbps() * throughputMbps) / 1000.0 * (1 + p.rxWeakGain() * weakness(p, rssiDbm));
  }

  /** Energy of one offload; remembers its tail so the next offload pays only the tail it adds. */
  public synchronized OffloadEnergy offload(Transfer x) {
    Params p = params.get(x.technology());
    double upMbps = x.upMs() > 0 ? x.bytesUp() * 8.0 / (x.upMs() * 1000.0) : 0;
    double downMbps = x.downMs() > 0 ? x.bytesDown() * 8.0 / (x.downMs() * 1000.0) : 0;
    double txJ = txW(x.technology(), x.rssiDbm(), upMbps) * x.upMs() / 1000.0;
    double rxJ = rxW(x.technology(), x.rssiDbm(), downMbps) * x.downMs() / 1000.0;
    double waitJ = p.tailW() * x.waitMs() / 1000.0;
    Long previousTailEnd = tailEndsNs.get(x.technology());
    boolean radioIdle = previousTailEnd == null || previousTailEnd < x.startMonoNs();
    double promotionJ = radioIdle ? p.promotionW() * p.promotionMs() / 1000.0 : 0;
    long tailEnd = x.endMonoNs() + Math.round(p.tailMs() * 1e6);
    long alreadyRunningUntil = previousTailEnd == null ? x.endMonoNs() : Math.max(x.endMonoNs(), Math.min(previousTailEnd, tailEnd));
    double addedTailMs = Math.max(0, (tailEnd - alreadyRunningUntil) / 1e6);
    double tailJ = p.tailW() * addedTailMs / 1000.0;
    tailEndsNs.merge(x.technology(), tailEnd, Math::max);
    double idleJ = deviceIdleW * (x.upMs() + x.downMs() + x.waitMs()) / 1000.0;
    return new OffloadEnergy(txJ, rxJ, waitJ, promotionJ, tailJ, idleJ);
  }
}
