package io.testbed.experiments.loadgen;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Real time from {@link System#nanoTime()}. Parks the waiting thread and spins for the last stretch before a deadline,
 * because a park alone overshoots by tens of microseconds and Server issue times must stay within a millisecond.
 * One ticker serves one running LoadGen at a time (it wakes the thread that last waited).
 */
public final class SystemTicker implements Ticker {
  private final long spinNs;
  private final AtomicBoolean woken = new AtomicBoolean();
  private volatile Thread waiter;

  /** @param spinNs how long before a deadline to stop parking and spin (e.g. 100 000 ns) */
  public SystemTicker(long spinNs) {
    if (spinNs < 0) throw new IllegalArgumentException("spinNs must be >= 0");
    this.spinNs = spinNs;
  }

  /** Spins for the last 100 us before a deadline. */
  public SystemTicker() { this(100_000); }

  @Override
  public long nowNs() { return System.nanoTime(); }

  @Override
  public void parkUntil(long deadlineNs) throws InterruptedException {
    waiter = Thread.currentThread();
    while (true) {
      if (woken.getAndSet(false)) return;
      if (Thread.interrupted()) throw new InterruptedException();
      long remaining = deadlineNs == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNs - System.nanoTime();
      if (remaining <= 0) return;
      if (remaining > spinNs) {
        LockSupport.parkNanos(this, remaining == Long.MAX_VALUE ? Long.MAX_VALUE : remaining - spinNs);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  @Override
  public void wake() {
    woken.set(true);
    Thread t = waiter;
    if (t != null) LockSupport.unpark(t);
  }
}
