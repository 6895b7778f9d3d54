package io.testbed.orchestrator.policy.thermal;

/**
 * A thermal controller for one sensor node (SYSTEMS.md section 4) as a pure function: the next state and decision
 * from the current state and one observation. No clock, no I/O: the actor (or {@link ThermalSim}) supplies time.
 */
public interface ThermalPolicy {
  /** Short name for reports ({@code all-near}, {@code stop-capture-go}, ...). */
  String name();

  /** The mode a node starts in under this policy. */
  Mode homeMode();

  /** The state at {@code nowNs} before any observation. */
  default ControllerState initial(long nowNs) { return ControllerState.start(homeMode(), nowNs); }

  /** The policy's step. */
  Step decide(ControllerState state, Observation observation);

  /** A step's result. */
  record Step(ControllerState next, Decision decision) {}

  /**
   * Shared first part of every policy's step: books elapsed time to the current mode and judges the reading. Returns
   * the advanced state (with the reading as the new reference when plausible), the usable temperature (NaN when
   * missing or implausible) and the rejection reason (null when none).
   */
  static Judged judge(ReadingGuard guard, ControllerState state, Observation o) {
    ControllerState s = state.advancedTo(o.nowNs());
    if (Double.isNaN(o.temperatureC())) return new Judged(s, Double.NaN, null);   // no reading this tick: nothing to flag
    String why = guard.reject(s.lastGoodC(), s.lastGoodNs(), o.temperatureC(), o.nowNs());
    if (why != null) return new Judged(s.withIgnoredReading(), Double.NaN, why);
    return new Judged(s.withReading(o.temperatureC(), o.nowNs()), o.temperatureC(), null);
  }

  /** The outcome of {@link #judge}. */
  record Judged(ControllerState state, double usableC, String ignoredReading) {
    public boolean known() { return !Double.isNaN(usableC); }
  }
}
