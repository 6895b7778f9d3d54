package io.testbed.experiments.loadgen;

import java.util.PriorityQueue;

/**
 * Simulated time for deterministic tests: nothing sleeps. Systems under test schedule their completions with
 * {@link #schedule}; {@link #parkUntil} runs the next due event (or jumps to the deadline). Single-threaded: use it
 * only from the thread that runs LoadGen.
 */
public final class VirtualTicker implements Ticker {
  private record Event(long atNs, long seq, Runnable action) {}

  private final PriorityQueue<Event> events =
      new PriorityQueue<>((a, b) -> a.atNs != b.atNs ? Long.compare(a.atNs, b.atNs) : Long.compare(a.seq, b.seq));
  private long nowNs;
  private long seq;

  public VirtualTicker(long startNs) { this.nowNs = startNs; }

  public VirtualTicker() { this(0); }

  @Override
  public long nowNs() { return nowNs; }

  /** Runs {@code action} when simulated time reaches {@code atNs} (at once, in order, if that is already past). */
  public void schedule(long atNs, Runnable action) { events.add(new Event(Math.max(atNs, nowNs), seq++, action)); }

  public void scheduleAfter(long delayNs, Runnable action) { schedule(nowNs + delayNs, action); }

  /** Moves time forward without running anything (models time spent inside a call). */
  public void advance(long ns) {
    if (ns < 0) throw new IllegalArgumentException("time does not go back");
    nowNs += ns;
  }

  public int pendingEvents() { return events.size(); }

  @Override
  public void parkUntil(long deadlineNs) {
    Event next = events.peek();
    if (next != null && next.atNs <= deadlineNs) {
      events.poll();
      nowNs = Math.max(nowNs, next.atNs);
      next.action.run();
      return;
    }
    if (deadlineNs == Long.MAX_VALUE) {
      throw new IllegalStateException("simulated time stalled: waiting with no deadline and nothing scheduled");
    }
    nowNs = Math.max(nowNs, deadlineNs);
  }

  @Override
  public void wake() {
    // Nothing waits in simulated time: LoadGen re-checks its state after every event.
  }
}
