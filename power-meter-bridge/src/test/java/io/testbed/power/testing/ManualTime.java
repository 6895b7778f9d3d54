package io.testbed.power.testing;

import io.testbed.power.port.TimeSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand; epoch and monotonic time advance together. */
public final class ManualTime implements TimeSource {
  public static final long T0 = 1_764_489_600_000_000_000L;
  private final AtomicLong offsetNs = new AtomicLong();

  @Override
  public long epochNanos() { return T0 + offsetNs.get(); }

  @Override
  public long monotonicNanos() { return offsetNs.get(); }

  public void advanceMs(long ms) { offsetNs.addAndGet(ms * 1_000_000L); }

  public void advanceNs(long ns) { offsetNs.addAndGet(ns); }
}
