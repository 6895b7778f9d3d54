package io.testbed.orchestrator.thermal;

import io.testbed.orchestrator.policy.thermal.FidelityThreshold;
import io.testbed.orchestrator.policy.thermal.FixedMode;
import io.testbed.orchestrator.policy.thermal.ReadingGuard;
import io.testbed.orchestrator.policy.thermal.SeasonalMigration;
import io.testbed.orchestrator.policy.thermal.StopCaptureGo;
import io.testbed.orchestrator.policy.thermal.ThermalPolicy;

/**
 * Builds a thermal experiment's policy for the environment in force: the threshold from the fidelity target, ambient
 * and lighting ({@link FidelityThreshold}), then stop-capture-go (T_cap = threshold, watchdog), seasonal migration
 * (T_high = threshold, T_low = T_high - hysteresis but above the FAR steady state, so the season can turn) or a
 * baseline.
 */
public final class ThermalPolicies {
  private ThermalPolicies() {}

  /** A policy and the threshold it was built for. */
  public record Built(ThermalPolicy policy, FidelityThreshold.Threshold threshold, double tLowC) {}

  public static Built build(String name, ThermalSettings s, double targetPsnrDb, double ambientC, double lighting, long maxStopNs,
      double hysteresisC) {
    FidelityThreshold.Threshold th = FidelityThreshold.derive(s.noiseCurve(), FidelityThreshold.Scene.lit(lighting, s.sceneSignalDn()),
        targetPsnrDb, ambientC, s.capW() * s.rTotalKPerW());
    ReadingGuard guard = new ReadingGuard(-40, 150, s.rFastKPerW() * s.maxPowerW(), s.tauFastNs(), s.rSlowKPerW() * s.maxPowerW(),
        s.tauSlowNs(), 2.0);
    double tHigh = th.temperatureC();
    double farSteady = ambientC + s.farHeatingW() * s.rTotalKPerW();
    double tLow = tHigh - hysteresisC;
    if (tLow <= farSteady) tLow = Math.min(tHigh - 0.5, farSteady + 1.0);
    ThermalPolicy p = switch (name) {
      case "all-near" -> FixedMode.allNear(guard);
      case "all-far" -> FixedMode.allFar(guard);
      case "stop-capture-go" -> StopCaptureGo.untilCool(tHigh, maxStopNs, guard);
      case "seasonal-migration" -> new SeasonalMigration(tHigh, tLow, SeasonalMigration.DEFAULT_SWITCH_LATENCY_NS, guard);
      default -> throw new IllegalArgumentException("unknown thermal policy '" + name + "'");
    };
    return new Built(p, th, tLow);
  }
}
