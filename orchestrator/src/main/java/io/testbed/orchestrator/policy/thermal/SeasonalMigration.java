package io.testbed.orchestrator.policy.thermal;

/**
 * Seasonal migration (SYSTEMS.md section 4): in NEAR (NSP) the node moves to FAR when the junction reaches
 * {@code tHighC}; in FAR it moves back when the junction has cooled to {@code tLowC} (hysteresis: tLow < tHigh).
 * State is pre-copied, so a switch costs {@code switchLatencyNs} (~100 us, modelled). Captures are taken whenever due.
 * Implausible readings are flagged and ignored (no migration on them).
 */
public record SeasonalMigration(double tHighC, double tLowC, long switchLatencyNs, ReadingGuard guard) implements ThermalPolicy {
  /** The paper's switch cost with pre-copied state. */
  public static final long DEFAULT_SWITCH_LATENCY_NS = 100_000L;

  public SeasonalMigration {
    if (!Double.isFinite(tHighC) || !Double.isFinite(tLowC) || !(tLowC < tHighC)) {
      throw new IllegalArgumentException("need finite tLowC < tHighC, were " + tLowC + ", " + tHighC);
    }
    if (switchLatencyNs < 0) throw new IllegalArgumentException("switchLatencyNs must be >= 0, was " + switchLatencyNs);
    if (guard == null) throw new IllegalArgumentException("guard is required");
  }

  @Override
  public String name() { return "seasonal-migration"; }

  @Override
  public Mode homeMode() { return Mode.NSP; }

  @Override
  public Step decide(ControllerState state, Observation o) {
    ThermalPolicy.Judged j = ThermalPolicy.judge(guard, state, o);
    ControllerState s = j.state();
    String flag = j.ignoredReading();
    boolean capture = o.captureDue();
    if (s.mode() == Mode.CAP) {   // never ours: do not leave a node gated
      return new Step(s.switchedTo(Mode.NSP, -1, false, false),
          new Decision.SwitchMode(Mode.CAP, Mode.NSP, Decision.Cause.RECOVER, capture, switchLatencyNs, flag));
    }
    if (j.known() && s.mode() == Mode.NSP && j.usableC() >= tHighC) {
      return new Step(s.switchedTo(Mode.FAR, -1, false, false),
          new Decision.SwitchMode(Mode.NSP, Mode.FAR, Decision.Cause.TOO_HOT, capture, switchLatencyNs, flag));
    }
    if (j.known() && s.mode() == Mode.FAR && j.usableC() <= tLowC) {
      return new Step(s.switchedTo(Mode.NSP, -1, false, false),
          new Decision.SwitchMode(Mode.FAR, Mode.NSP, Decision.Cause.COOLED_DOWN, capture, switchLatencyNs, flag));
    }
    return new Step(s, new Decision.Hold(s.mode(), capture, flag));
  }
}
