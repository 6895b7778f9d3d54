package io.testbed.agent.power;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What the device was busy with and at which power, on the monotonic clock. The worker opens an activity for each
 * inference (or offload); the modelled meter asks for the average power of a window. Thread-safe: inference servers
 * with several workers open overlapping activities, whose extra power above idle adds up.
 */
public final class ActivityLog {
  private final List<Interval> intervals = new ArrayList<>();

  /** A busy stretch at {@code powerW} (whole-device); {@link #end} closes it. */
  public final class Activity {
    private final Interval interval;

    private Activity(Interval interval) { this.interval = interval; }

    public void end(long nowNs) {
      synchronized (ActivityLog.this) {
        if (interval.endNs == Long.MAX_VALUE) interval.endNs = Math.max(nowNs, interval.startNs);
      }
    }
  }

  private static final class Interval {
    final long startNs;
    final double powerW;
    long endNs = Long.MAX_VALUE;

    Interval(long startNs, double powerW) {
      this.startNs = startNs;
      this.powerW = powerW;
    }
  }

  public synchronized Activity begin(double powerW, long nowNs) {
    Interval i = new Interval(nowNs, powerW);
    intervals.add(i);
    return new Activity(i);
  }

  /**
   * Average whole-device power over {@code [fromNs, toNs)}: idle power plus, for every activity, its power above idle
   * times the share of the window it covered. Never negative.
   */
  public synchronized double averagePowerW(long fromNs, long toNs, double idleW) {
    if (toNs <= fromNs) return idleW;
    double window = toNs - fromNs;
    double p = idleW;
    for (Interval i : intervals) {
      long overlap = Math.min(i.endNs, toNs) - Math.max(i.startNs, fromNs);
      if (overlap > 0) p += (i.powerW - idleW) * (overlap / window);
    }
    return Math.max(0, p);
  }

  /** Share of {@code [fromNs, toNs)} during which at least one activity ran (overlaps counted once), in [0, 1]. */
  public synchronized double busyShare(long fromNs, long toNs) {
    if (toNs <= fromNs) return 0;
    List<long[]> spans = new ArrayList<>();
    for (Interval i : intervals) {
      long s = Math.max(i.startNs, fromNs);
      long e = Math.min(i.endNs, toNs);
      if (e > s) spans.add(new long[] {s, e});
    }
    spans.sort((a, b) -> Long.compare(a[0], b[0]));
    long busy = 0;
    long curS = Long.MIN_VALUE;
    long curE = Long.MIN_VALUE;
    for (long[] sp : spans) {
      if (sp[0] > curE) {
        if (curE > curS) busy += curE - curS;
        curS = sp[0];
        curE = sp[1];
      } else {
        curE = Math.max(curE, sp[1]);
      }
    }
    if (curE > curS) busy += curE - curS;
    return Math.min(1.0, busy / (double) (toNs - fromNs));
  }

  /** Forgets activities that ended before {@code beforeNs}. */
  public synchronized void prune(long beforeNs) {
    for (Iterator<Interval> it = intervals.iterator(); it.hasNext(); ) {
      if (it.next().endNs < beforeNs) it.remove();
    }
  }

  synchronized int size() { return intervals.size(); }
}
