package io.testbed.orchestrator.adapter.influx;

import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.port.TelemetryWindow;
import io.testbed.orchestrator.port.TimeseriesInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the most recent points in memory (bounded) and passes every point on to a delegate sink; the in-memory window
 * serves the web page's live charts (by sequence number) and tests. It also keeps the points of the most recent runs
 * (tag {@code run} other than {@code none}), bounded, for the REST export of a run's series.
 */
public final class RecentWindowSink implements TelemetrySink, TelemetryWindow {
  private final TelemetrySink delegate;
  private final int capacity;
  private final ArrayDeque<TelemetryPoint> window;
  private long written;
  private final java.util.LinkedHashMap<String, List<TelemetryPoint>> runs =
      new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, List<TelemetryPoint>> eldest) {
          return size() > MAX_RUNS;
        }
      };
  static final int MAX_RUNS = 100;
  static final int MAX_POINTS_PER_RUN = 500_000;


  public RecentWindowSink(TelemetrySink delegate, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
    this.delegate = delegate;
    this.capacity = capacity;
    this.window = new ArrayDeque<>(Math.min(capacity, 4096));
  }

  @Override
  public void write(TelemetryPoint point) {
    synchronized (window) {
      if (window.size() == capacity) window.removeFirst();
      window.addLast(point);
      written++;
      String run = point.tags().get("run");
      if (run != null && !run.equals("none")) {
        List<TelemetryPoint> points = runs.computeIfAbsent(run, r -> new ArrayList<>());
        if (points.size() < MAX_POINTS_PER_RUN) points.add(point);
      }
    }
    delegate.write(point);
  }

  /** The most recent points, oldest first. */
  @Override
  public List<TelemetryPoint> recent() {
    synchronized (window) {
      return new ArrayList<>(window);
    }
  }

  @Override
  public String lineProtocol(TelemetryPoint point) {
    return Points.lineProtocol(point);
  }

  /** Points written after sequence number {@code seq} that are still in the window (the first call passes 0). */
  @Override
  public Batch since(long seq) {
    synchronized (window) {
      long first = written - window.size();
      long from = Math.min(Math.max(seq, first), written);
      List<TelemetryPoint> out = new ArrayList<>((int) (written - from));
      int skip = (int) (from - first);
      int i = 0;
      for (TelemetryPoint p : window) {
        if (i++ >= skip) out.add(p);
      }
      return new Batch(out, written);
    }
  }

  /** Every point kept for a run (empty when the run is unknown or too old), oldest first. */
  @Override
  public List<TelemetryPoint> run(String runId) {
    synchronized (window) {
      List<TelemetryPoint> points = runs.get(runId);
      return points == null ? List.of() : new ArrayList<>(points);
    }
  }

  /** The most recent points of one measurement, oldest first. */
  public List<TelemetryPoint> recent(String measurement) {
    return recent().stream().filter(p -> p.measurement().equals(measurement)).toList();
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public TimeseriesInfo info() {
    return delegate.info();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** A sink that keeps nothing beyond the window: for tests and for runs that want no files. */
  public static RecentWindowSink memoryOnly(int capacity) {
    return new RecentWindowSink(new TelemetrySink() {
      @Override public void write(TelemetryPoint point) {}
      @Override public void flush() {}
      @Override public TimeseriesInfo info() { return TimeseriesInfo.memory(); }
      @Override public void close() {}
    }, capacity);
  }
}
