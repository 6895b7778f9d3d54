package io.testbed.orchestrator.thermal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.policy.thermal.NoiseCurve;
import java.time.Duration;
import java.util.List;

/**
 * What the orchestrator's thermal controllers assume about a sensor node ({@code testbed.orchestrator.thermal}): the
 * noise calibration, the scene level for the threshold, the RC constants and per-mode heating powers (for the
 * reading guard, the gated floor and seasonal migration's T_low), and the ack and frame timeouts.
 */
public record ThermalSettings(
    NoiseCurve noiseCurve,
    double sceneSignalDn,
    double rFastKPerW,
    long tauFastNs,
    double rSlowKPerW,
    long tauSlowNs,
    double capW,
    double nspW,
    double farHeatingW,
    Duration ackTimeout,
    Duration frameTimeout) {

  public ThermalSettings {
    if (noiseCurve == null) throw new IllegalArgumentException("thermal.noise-calibration is required");
    if (!(sceneSignalDn > 0 && sceneSignalDn < 255)) throw new IllegalArgumentException("thermal.scene-signal-dn must be in (0, 255)");
    if (!(capW >= 0 && nspW > capW && farHeatingW >= capW)) throw new IllegalArgumentException("thermal.power: need 0 <= cap-w < nsp-w, far-heating-w >= cap-w");
  }

  /** The defaults of reference.conf. */
  public static ThermalSettings defaults() { return fromConfig(ConfigFactory.load()); }

  public static ThermalSettings fromConfig(Config root) {
    Config c = root.getConfig("testbed.orchestrator.thermal");
    List<NoiseCurve.Point> points = c.getConfigList("noise-calibration").stream()
        .map(p -> new NoiseCurve.Point(p.getDouble("temp-c"), p.getDouble("sigma-dn"), p.getDouble("offset-dn"), p.getDouble("hot-pixels")))
        .toList();
    Config t = c.getConfig("thermal");
    Config p = c.getConfig("power");
    return new ThermalSettings(new NoiseCurve(points, c.getInt("noise-calibration-pixels")), c.getDouble("scene-signal-dn"),
        t.getDouble("r-fast-k-per-w"), t.getDuration("tau-fast").toNanos(), t.getDouble("r-slow-k-per-w"), t.getDuration("tau-slow").toNanos(),
        p.getDouble("cap-w"), p.getDouble("nsp-w"), p.getDouble("far-heating-w"), c.getDuration("ack-timeout"), c.getDuration("frame-timeout"));
  }

  /** Total junction-to-ambient resistance. */
  public double rTotalKPerW() { return rFastKPerW + rSlowKPerW; }

  /** The node's largest heating power: the plausibility bound's power. */
  public double maxPowerW() { return Math.max(nspW, farHeatingW); }
}
