package io.testbed.orchestrator.policy.thermal;

/**
 * What a thermal controller wants done after a tick. The actor applies it: a {@link SwitchMode} becomes a
 * {@code SetMode} command, {@code capture} triggers the high-fidelity capture now, and a non-null
 * {@code ignoredReading} is logged at WARN and counted (the reading was not acted on).
 */
public sealed interface Decision {
  /** The mode the node should be in from now on. */
  Mode mode();

  /** Take the due high-fidelity capture now. */
  boolean capture();

  /** Why this tick's reading was ignored as implausible, or null when it was used (or there was none). */
  String ignoredReading();

  /** Stay in {@code mode}. */
  record Hold(Mode mode, boolean capture, String ignoredReading) implements Decision {
    public Hold {
      if (mode == null) throw new IllegalArgumentException("mode is required");
    }
  }

  /** Switch from {@code from} to {@code mode}; the switch takes {@code switchLatencyNs} (modelled). */
  record SwitchMode(Mode from, Mode mode, Cause cause, boolean capture, long switchLatencyNs, String ignoredReading) implements Decision {
    public SwitchMode {
      if (from == null || mode == null || cause == null) throw new IllegalArgumentException("from, mode and cause are required");
      if (from == mode) throw new IllegalArgumentException("a switch needs two different modes, got " + mode);
      if (switchLatencyNs < 0) throw new IllegalArgumentException("switchLatencyNs must be >= 0");
    }
  }

  /** Why a controller switched. */
  enum Cause {
    /** Stop-capture-go: a capture is due and the sensor is above T_cap; gate the processor. */
    STOP_FOR_CAPTURE,
    /** Stop-capture-go: the sensor cooled to T_cap; capture and go. */
    COOLED,
    /** Stop-capture-go with a fixed stop time: the stop time elapsed; capture and go. */
    STOP_TIME_ELAPSED,
    /** Stop-capture-go: the watchdog bound on a stop elapsed before the sensor cooled; capture anyway and go. */
    WATCHDOG,
    /** Stop-capture-go: the capture was no longer due; go without it. */
    CAPTURE_CANCELLED,
    /** Seasonal migration: T >= T_high in NEAR; move to FAR. */
    TOO_HOT,
    /** Seasonal migration: T <= T_low in FAR; back to NEAR. */
    COOLED_DOWN,
    /** The state's mode is not one this policy uses (e.g. a node found in CAP); move to its home mode. */
    RECOVER
  }
}
