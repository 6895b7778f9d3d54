package io.testbed.power.pipeline;

import io.testbed.protocol.PowerSample;

/**
 * Keeps one meter's stream strictly increasing in time: a sample whose timestamp equals the last accepted one is a
 * duplicate, an earlier one is non-monotonic (both known Monsoon traits); either is dropped and counted. Not thread-safe.
 */
public final class TimestampFilter {
  /** What the filter decided for one sample. */
  public enum Verdict { ACCEPTED, DUPLICATE, NON_MONOTONIC }

  private long lastNs = Long.MIN_VALUE;
  private long duplicates;
  private long nonMonotonic;

  public Verdict check(PowerSample sample) {
    long t = sample.timestampNs();
    if (t == lastNs) {
      duplicates++;
      return Verdict.DUPLICATE;
    }
    if (t < lastNs) {
      nonMonotonic++;
      return Verdict.NON_MONOTONIC;
    }
    lastNs = t;
    return Verdict.ACCEPTED;
  }

  public long duplicates() { return duplicates; }

  public long nonMonotonic() { return nonMonotonic; }

  /** Timestamp of the last accepted sample, or {@link Long#MIN_VALUE} when none yet. */
  public long lastAcceptedNs() { return lastNs; }
}
