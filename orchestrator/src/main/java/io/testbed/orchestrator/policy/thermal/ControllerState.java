package io.testbed.orchestrator.policy.thermal;

/**
 * A thermal controller's state between ticks, immutable: the commanded mode, when the current stop began (-1 when not
 * stopped), the last plausible reading, and counters for the report (time per mode, stops, watchdog stops, switches,
 * ignored readings).
 */
public record ControllerState(Mode mode, long stopStartNs, double lastGoodC, long lastGoodNs, long lastTickNs,
    long nspNs, long capNs, long farNs, long stops, long watchdogStops, long switches, long ignoredReadings) {

  /** A controller starting in {@code mode} at {@code nowNs}, no reading yet. */
  public static ControllerState start(Mode mode, long nowNs) {
    return new ControllerState(mode, -1, Double.NaN, 0, nowNs, 0, 0, 0, 0, 0, 0, 0);
  }

  public boolean stopped() { return stopStartNs >= 0; }

  /** Fraction of elapsed time with the near-sensor processor running (NSP): SYSTEMS.md section 4's duty cycle. */
  public double nearDuty() { long t = nspNs + capNs + farNs; return t == 0 ? 1 : (double) nspNs / t; }

  /** Fraction of elapsed time with frames processed somewhere (NSP or FAR). */
  public double processingDuty() { long t = nspNs + capNs + farNs; return t == 0 ? 1 : (double) (nspNs + farNs) / t; }

  /** Time spent in {@code mode} (from elapsed ticks). */
  public long timeInNs(Mode m) { return switch (m) { case NSP -> nspNs; case CAP -> capNs; case FAR -> farNs; }; }

  /** This state with the time since the last tick booked to the current mode and the tick time moved to {@code nowNs}. */
  ControllerState advancedTo(long nowNs) {
    long dt = Math.max(0, nowNs - lastTickNs);
    return new ControllerState(mode, stopStartNs, lastGoodC, lastGoodNs, Math.max(lastTickNs, nowNs),
        nspNs + (mode == Mode.NSP ? dt : 0), capNs + (mode == Mode.CAP ? dt : 0), farNs + (mode == Mode.FAR ? dt : 0),
        stops, watchdogStops, switches, ignoredReadings);
  }

  ControllerState withReading(double c, long atNs) {
    return new ControllerState(mode, stopStartNs, c, atNs, lastTickNs, nspNs, capNs, farNs, stops, watchdogStops, switches, ignoredReadings);
  }

  ControllerState withIgnoredReading() {
    return new ControllerState(mode, stopStartNs, lastGoodC, lastGoodNs, lastTickNs, nspNs, capNs, farNs, stops, watchdogStops, switches, ignoredReadings + 1);
  }

  /** Switched to {@code m}; {@code stopAtNs} >= 0 starts a stop, -1 ends any. */
  ControllerState switchedTo(Mode m, long stopAtNs, boolean newStop, boolean watchdog) {
    return new ControllerState(m, stopAtNs, lastGoodC, lastGoodNs, lastTickNs, nspNs, capNs, farNs, stops + (newStop ? 1 : 0),
        watchdogStops + (watchdog ? 1 : 0), switches + 1, ignoredReadings);
  }
}
