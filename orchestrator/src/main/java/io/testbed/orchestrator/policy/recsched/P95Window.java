package io.testbed.orchestrator.policy.recsched;

import java.util.Optional;

/**
 * Collects completed-query latencies into windows of a fixed size (64 in SYSTEMS.md section 2) and hands each full
 * window out as {@link WindowStats} (exact nearest-rank p95 and p99). Loads and configurations are numbered by an
 * epoch (each {@link RecSchedDecision} that changes them carries a new one): a query issued under an older epoch is
 * dropped, so a window only holds queries issued at the load it judges. Not thread-safe: one actor owns it.
 */
public final class P95Window {
  public static final int DEFAULT_SIZE = 64;

  private final int size;
  private final long[] buffer;
  private int filled;
  private long epoch;
  private long staleDropped;
  private long windowsClosed;

  public P95Window(int size) {
    if (size < 1) throw new IllegalArgumentException("window size must be >= 1");
    this.size = size;
    this.buffer = new long[size];
  }

  public int size() { return size; }

  /** Starts counting queries of {@code newEpoch}; what was collected so far is discarded. */
  public void beginEpoch(long newEpoch) {
    this.epoch = newEpoch;
    this.filled = 0;
  }

  public long epoch() { return epoch; }

  /**
   * Adds a completed query issued under {@code queryEpoch}; returns the window's stats when this query fills it (the
   * next window then starts empty).
   */
  public Optional<WindowStats> offer(long queryEpoch, long latencyNs, long nowNs) {
    if (latencyNs < 0) throw new IllegalArgumentException("latencyNs must be >= 0");
    if (queryEpoch != epoch) {
      staleDropped++;
      return Optional.empty();
    }
    buffer[filled++] = latencyNs;
    if (filled < size) return Optional.empty();
    filled = 0;
    windowsClosed++;
    return Optional.of(WindowStats.of(buffer.clone(), nowNs));
  }

  /** A query that failed or timed out: it counts as infinitely late. */
  public Optional<WindowStats> offerFailed(long queryEpoch, long nowNs) {
    return offer(queryEpoch, WindowStats.FAILED, nowNs);
  }

  /** Queries collected towards the current window. */
  public int pending() { return filled; }

  /** Completions dropped because they were issued under an older epoch. */
  public long staleDropped() { return staleDropped; }

  public long windowsClosed() { return windowsClosed; }
}
