package io.testbed.orchestrator.policy.thermal;

/**
 * A policy with its state, for an actor that keeps one controller per node: {@link #onTick} runs the pure step and
 * keeps the next state. Not thread-safe (an actor owns it).
 */
public final class ThermalController {
  private final ThermalPolicy policy;
  private ControllerState state;

  public ThermalController(ThermalPolicy policy, long startNs) {
    if (policy == null) throw new IllegalArgumentException("policy is required");
    this.policy = policy;
    this.state = policy.initial(startNs);
  }

  /** One tick: the reported temperature (NaN when none), the time, whether a high-fidelity capture is due. */
  public Decision onTick(double temperatureC, long nowNs, boolean captureDue) {
    ThermalPolicy.Step step = policy.decide(state, new Observation(temperatureC, nowNs, captureDue));
    state = step.next();
    return step.decision();
  }

  public ControllerState state() { return state; }

  public ThermalPolicy policy() { return policy; }

  public Mode mode() { return state.mode(); }
}
