package io.testbed.power.port;

import java.time.Instant;

/** The bridge's clock: epoch nanoseconds for sample timestamps and a monotonic clock for scheduling; injected so tests control time. */
public interface TimeSource {
  long epochNanos();

  long monotonicNanos();

  /** Wall-clock epoch ns with nanoTime resolution: anchored once to the system clock, then advanced by {@link System#nanoTime()}. */
  static TimeSource system() {
    Instant now = Instant.now();
    long anchorEpochNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long anchorMono = System.nanoTime();
    return new TimeSource() {
      @Override
      public long epochNanos() { return anchorEpochNs + (System.nanoTime() - anchorMono); }

      @Override
      public long monotonicNanos() { return System.nanoTime(); }
    };
  }
}
