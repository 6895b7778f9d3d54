package io.testbed.experiments.loadgen;

/**
 * LoadGen's nanosecond time source and its way of waiting: {@link SystemTicker} for real time, {@link VirtualTicker}
 * for deterministic tests on simulated time.
 */
public interface Ticker {
  /** Monotonic time in ns (arbitrary origin). */
  long nowNs();

  /**
   * Waits until {@link #nowNs()} reaches {@code deadlineNs} ({@link Long#MAX_VALUE}: no deadline), or until
   * {@link #wake()} is called; may return early, callers re-check their state.
   */
  void parkUntil(long deadlineNs) throws InterruptedException;

  /** Makes the waiting LoadGen thread return from {@link #parkUntil}; callable from any thread. */
  void wake();
}
