package io.testbed.orchestrator.policy.energy;

import io.testbed.protocol.PowerSample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The recent samples of one meter, on the meter's own clock, kept for {@code horizonNs} behind the newest one. Arrival
 * applies the bridge's {@code TimestampFilter} rule again (the orchestrator does not trust the wire): a sample whose
 * timestamp equals the last accepted one is a duplicate, an earlier one is non-monotonic; both are dropped and counted.
 * Pure and not thread-safe (one actor owns it).
 */
public final class MeterRing {
  private final long horizonNs;
  private final Deque<PowerSample> samples = new ArrayDeque<>();
  private long received;
  private long duplicates;
  private long nonMonotonic;

  public MeterRing(long horizonNs) {
    if (horizonNs <= 0) throw new IllegalArgumentException("horizonNs must be > 0, was " + horizonNs);
    this.horizonNs = horizonNs;
  }

  /** Adds a batch in order; returns how many samples were accepted. */
  public int add(List<PowerSample> batch) {
    int accepted = 0;
    for (PowerSample s : batch) {
      received++;
      PowerSample last = samples.peekLast();
      if (last != null && s.timestampNs() == last.timestampNs()) {
        duplicates++;
      } else if (last != null && s.timestampNs() < last.timestampNs()) {
        nonMonotonic++;
      } else {
        samples.addLast(s);
        accepted++;
      }
    }
    PowerSample newest = samples.peekLast();
    if (newest != null) {
      long oldestKept = newest.timestampNs() - horizonNs;
      while (!samples.isEmpty() && samples.peekFirst().timestampNs() < oldestKept) samples.removeFirst();
    }
    return accepted;
  }

  /** A copy of the kept samples, oldest first (strictly increasing in time). */
  public List<PowerSample> samples() { return new ArrayList<>(samples); }

  public PowerSample last() { return samples.peekLast(); }

  public int size() { return samples.size(); }

  public long received() { return received; }

  public long duplicatesDropped() { return duplicates; }

  public long nonMonotonicDropped() { return nonMonotonic; }

  /** Measured rate over the newest (up to) 100 kept samples (Hz); 0 with fewer than two. */
  public double measuredRateHz() {
    if (samples.size() < 2) return 0;
    long newest = samples.peekLast().timestampNs();
    long oldest = newest;
    int n = 0;
    for (java.util.Iterator<PowerSample> it = samples.descendingIterator(); it.hasNext() && n < 100; n++) oldest = it.next().timestampNs();
    return newest == oldest ? 0 : (n - 1) * 1e9 / (newest - oldest);
  }
}
