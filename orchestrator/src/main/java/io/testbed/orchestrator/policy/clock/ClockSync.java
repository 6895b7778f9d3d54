package io.testbed.orchestrator.policy.clock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * NTP-style estimate of one remote clock (an agent or a bridge) against the reference clock (the orchestrator's).
 *
 * <p>Each {@link Exchange} is a request/reply: the reference sends at {@code t0}, the remote receives at {@code t1}
 * and replies at {@code t2} (remote clock), the reference receives at {@code t3}. Then
 * {@code offset = ((t1 - t0) + (t2 - t3)) / 2} and {@code delay = (t3 - t0) - (t2 - t1)}. Of the last
 * {@code windowSize} exchanges the {@code keepLowestDelay} with the smallest round trip are kept (queueing only ever
 * adds delay, so they are the least distorted); a least-squares line through their offsets against time gives the
 * drift (least squares, once they span {@code minDriftSpanNs} and only when plausible); the offset is that of the
 * least-delay exchange, whose error path asymmetry bounds by half its round trip: the uncertainty (plus, with a drift,
 * the RMS residual around the line). Remote timestamps are corrected with {@link Estimate#correct(long)}.
 *
 * <p>Pure and not thread-safe: one owner adds exchanges and reads estimates.
 */
public final class ClockSync {
  private final int windowSize;
  private final int keepLowestDelay;
  private final long minDriftSpanNs;
  private final Deque<Exchange> window = new ArrayDeque<>();
  private Estimate estimate;

  /** Drift is fitted once the kept exchanges span at least {@link #DEFAULT_MIN_DRIFT_SPAN_NS}. */
  public ClockSync(int windowSize, int keepLowestDelay) {
    this(windowSize, keepLowestDelay, DEFAULT_MIN_DRIFT_SPAN_NS);
  }

  /** Ten seconds: exchanges bunched closer than that (one or two probe rounds) give a slope of noise, not a drift. */
  public static final long DEFAULT_MIN_DRIFT_SPAN_NS = 10_000_000_000L;

  /** 500 ppm: fitted slopes steeper than this are treated as noise (drift 0). */
  public static final double MAX_PLAUSIBLE_DRIFT = 500e-6;

  /** @param minDriftSpanNs the kept exchanges must span this much reference time before a drift is fitted (else 0) */
  public ClockSync(int windowSize, int keepLowestDelay, long minDriftSpanNs) {
    if (minDriftSpanNs < 0) throw new IllegalArgumentException("minDriftSpanNs must be >= 0, was " + minDriftSpanNs);
    this.minDriftSpanNs = minDriftSpanNs;
    if (windowSize < 1) throw new IllegalArgumentException("windowSize must be >= 1, was " + windowSize);
    if (keepLowestDelay < 1 || keepLowestDelay > windowSize) {
      throw new IllegalArgumentException("keepLowestDelay must be in [1, windowSize], was " + keepLowestDelay);
    }
    this.windowSize = windowSize;
    this.keepLowestDelay = keepLowestDelay;
  }

  /** One request/reply: t0 and t3 on the reference clock, t1 and t2 on the remote clock, all epoch ns. */
  public record Exchange(long t0, long t1, long t2, long t3) {
    /** Remote minus reference, ns. */
    public double offsetNs() { return ((double) (t1 - t0) + (double) (t2 - t3)) / 2.0; }

    /** Round trip minus the remote's own processing time, ns. */
    public long delayNs() { return (t3 - t0) - (t2 - t1); }

    /** Reference time in the middle of the exchange. */
    public long midpointNs() { return t0 + (t3 - t0) / 2; }
  }

  /**
   * The current estimate: remote minus reference is {@code offsetNs + drift x (t - refNs)} at reference time t.
   *
   * @param drift dimensionless rate difference (20 ppm = 2e-5)
   * @param uncertaintyNs half the least round trip (plus the RMS residual around the line when a drift is fitted)
   */
  public record Estimate(long refNs, double offsetNs, double drift, double uncertaintyNs, int samplesUsed, long minDelayNs) {
    /** Remote minus reference at reference time {@code referenceNs}. */
    public double offsetAt(long referenceNs) { return offsetNs + drift * (referenceNs - refNs); }

    /** The reference-clock time at which the remote clock read {@code remoteNs}. */
    public long correct(long remoteNs) {
      // remote = ref + offset + drift (ref - refNs)  =>  ref - refNs = (remote - refNs - offset) / (1 + drift)
      double u = ((double) (remoteNs - refNs) - offsetNs) / (1.0 + drift);
      return refNs + Math.round(u);
    }
  }

  /** Adds one exchange; refused (false) when its timestamps are impossible (negative round trip or remote time running backwards). */
  public boolean add(Exchange e) {
    if (e.t3() < e.t0() || e.t2() < e.t1() || e.delayNs() < 0) return false;
    window.addLast(e);
    while (window.size() > windowSize) window.removeFirst();
    estimate = fit();
    return true;
  }

  public Optional<Estimate> estimate() { return Optional.ofNullable(estimate); }

  /** Corrects a remote timestamp to the reference clock; fails when no exchange has been seen yet (never a silent guess). */
  public long correct(long remoteNs) {
    if (estimate == null) throw new IllegalStateException("no clock exchange yet: cannot correct remote timestamps");
    return estimate.correct(remoteNs);
  }

  public int exchanges() { return window.size(); }

  private Estimate fit() {
    List<Exchange> kept = new ArrayList<>(window);
    kept.sort(Comparator.comparingLong(Exchange::delayNs).thenComparing(Exchange::t0, Comparator.reverseOrder()));
    kept = kept.subList(0, Math.min(keepLowestDelay, kept.size()));
    int n = kept.size();
    long minDelay = kept.get(0).delayNs();
    long ref = kept.get(0).midpointNs();
    double meanX = 0;
    double meanY = 0;
    for (Exchange e : kept) {
      meanX += (double) (e.midpointNs() - ref) / n;
      meanY += e.offsetNs() / n;
    }
    double sxx = 0;
    double sxy = 0;
    for (Exchange e : kept) {
      double dx = (e.midpointNs() - ref) - meanX;
      sxx += dx * dx;
      sxy += dx * (e.offsetNs() - meanY);
    }
    // A drift needs at least three points spread in time (minDriftSpanNs); else the slope would fit noise.
    long first = kept.stream().mapToLong(Exchange::midpointNs).min().orElseThrow();
    long last = kept.stream().mapToLong(Exchange::midpointNs).max().orElseThrow();
    double drift = n >= 3 && sxx > 0 && last - first >= minDriftSpanNs ? sxy / sxx : 0.0;
    // Quartz clocks (and NTP's slew limit) stay within 500 ppm: a steeper slope is noise of a congested path, not drift.
    if (Math.abs(drift) > MAX_PLAUSIBLE_DRIFT) drift = 0.0;
    // The offset is anchored on the least-delay exchange (NTP's clock filter): path asymmetry can move its offset by
    // at most half its round trip, a strict bound. Without a drift that is the whole uncertainty; with one, the RMS
    // residual of the kept exchanges around the line is added for the slope's own error away from the anchor.
    Exchange best = kept.get(0);
    if (drift == 0.0) return new Estimate(best.midpointNs(), best.offsetNs(), 0.0, minDelay / 2.0, n, minDelay);
    double sumSq = 0;
    for (Exchange e : kept) {
      double r = e.offsetNs() - (best.offsetNs() + drift * (e.midpointNs() - best.midpointNs()));
      sumSq += r * r;
    }
    double rms = Math.sqrt(sumSq / n);
    return new Estimate(best.midpointNs(), best.offsetNs(), drift, minDelay / 2.0 + rms, n, minDelay);
  }
}
