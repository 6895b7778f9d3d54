package io.testbed.orchestrator.policy.thermal;

/**
 * The baselines of SYSTEMS.md section 4: {@link #allNear()} (always NSP, no thermal management) and
 * {@link #allFar()} (always FAR). Captures are taken whenever due; readings are still judged so ignored ones are
 * counted, but nothing depends on them.
 */
public record FixedMode(String name, Mode homeMode, ReadingGuard guard) implements ThermalPolicy {
  public FixedMode {
    if (name == null || name.isBlank() || homeMode == null || homeMode == Mode.CAP || guard == null) {
      throw new IllegalArgumentException("a fixed-mode baseline needs a name, NSP or FAR, and a guard");
    }
  }

  /** Always NSP, no management. */
  public static FixedMode allNear(ReadingGuard guard) { return new FixedMode("all-near", Mode.NSP, guard); }

  /** Always FAR. */
  public static FixedMode allFar(ReadingGuard guard) { return new FixedMode("all-far", Mode.FAR, guard); }

  @Override
  public Step decide(ControllerState state, Observation o) {
    ThermalPolicy.Judged j = ThermalPolicy.judge(guard, state, o);
    ControllerState s = j.state();
    if (s.mode() != homeMode) {
      return new Step(s.switchedTo(homeMode, -1, false, false),
          new Decision.SwitchMode(s.mode(), homeMode, Decision.Cause.RECOVER, o.captureDue(), 0, j.ignoredReading()));
    }
    return new Step(s, new Decision.Hold(homeMode, o.captureDue(), j.ignoredReading()));
  }
}
