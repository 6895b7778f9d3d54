package io.testbed.orchestrator.policy.thermal;

/**
 * Stop-capture-go (SYSTEMS.md section 4): the node runs in NSP; when a high-fidelity capture is due and the junction
 * is above {@code tCapC}, the processor is gated (CAP) until the junction is at or below {@code tCapC} (the fast
 * stage cools ~13 C within ~20 ms) or, with {@code fixedStopNs > 0}, for that fixed stop time; then the frame is
 * captured and NSP resumes. A due capture at or below {@code tCapC} is taken at once without a stop. Effective fps =
 * fps x duty cycle ({@link ControllerState#nearDuty()}).
 *
 * <p>Watchdog: no stop lasts longer than {@code maxStopNs}; then the capture is taken anyway (cause
 * {@link Decision.Cause#WATCHDOG}) and NSP resumes, so a node is never left in CAP, even when readings stop or are
 * all implausible. Implausible readings are flagged and ignored: they neither start nor end a stop.
 */
public record StopCaptureGo(double tCapC, long fixedStopNs, long maxStopNs, ReadingGuard guard) implements ThermalPolicy {
  /** The paper's shortest stop: one frame time at 30 fps. */
  public static final long MIN_FIXED_STOP_NS = 33_000_000L;

  public StopCaptureGo {
    if (!Double.isFinite(tCapC)) throw new IllegalArgumentException("tCapC must be finite, was " + tCapC);
    if (fixedStopNs != 0 && fixedStopNs < MIN_FIXED_STOP_NS) {
      throw new IllegalArgumentException("fixedStopNs must be 0 (wait for T_cap) or >= 33 ms, was " + fixedStopNs);
    }
    if (maxStopNs <= 0) throw new IllegalArgumentException("maxStopNs (watchdog) must be > 0, was " + maxStopNs);
    if (fixedStopNs > maxStopNs) throw new IllegalArgumentException("fixedStopNs must not exceed maxStopNs");
    if (guard == null) throw new IllegalArgumentException("guard is required");
  }

  /** Wait for T_cap, watchdog {@code maxStopNs}. */
  public static StopCaptureGo untilCool(double tCapC, long maxStopNs, ReadingGuard guard) {
    return new StopCaptureGo(tCapC, 0, maxStopNs, guard);
  }

  @Override
  public String name() { return fixedStopNs > 0 ? "stop-capture-go(fixed)" : "stop-capture-go"; }

  @Override
  public Mode homeMode() { return Mode.NSP; }

  @Override
  public Step decide(ControllerState state, Observation o) {
    ThermalPolicy.Judged j = ThermalPolicy.judge(guard, state, o);
    ControllerState s = j.state();
    String flag = j.ignoredReading();
    if (s.mode() == Mode.CAP && s.stopped()) {
      long stopped = o.nowNs() - s.stopStartNs();
      Decision.Cause go = null;
      if (!o.captureDue()) go = Decision.Cause.CAPTURE_CANCELLED;
      else if (stopped >= maxStopNs) go = Decision.Cause.WATCHDOG;
      else if (fixedStopNs > 0 ? stopped >= fixedStopNs : j.known() && j.usableC() <= tCapC) {
        go = fixedStopNs > 0 ? Decision.Cause.STOP_TIME_ELAPSED : Decision.Cause.COOLED;
      }
      if (go == null) return new Step(s, new Decision.Hold(Mode.CAP, false, flag));
      boolean capture = go != Decision.Cause.CAPTURE_CANCELLED;
      return new Step(s.switchedTo(Mode.NSP, -1, false, go == Decision.Cause.WATCHDOG),
          new Decision.SwitchMode(Mode.CAP, Mode.NSP, go, capture, 0, flag));
    }
    if (s.mode() != Mode.NSP) {   // found in CAP without a stop, or FAR: go home
      return new Step(s.switchedTo(Mode.NSP, -1, false, false),
          new Decision.SwitchMode(s.mode(), Mode.NSP, Decision.Cause.RECOVER, false, 0, flag));
    }
    if (!o.captureDue() || !j.known()) return new Step(s, new Decision.Hold(Mode.NSP, false, flag));
    if (j.usableC() <= tCapC) return new Step(s, new Decision.Hold(Mode.NSP, true, flag));
    return new Step(s.switchedTo(Mode.CAP, o.nowNs(), true, false),
        new Decision.SwitchMode(Mode.NSP, Mode.CAP, Decision.Cause.STOP_FOR_CAPTURE, false, 0, flag));
  }
}
