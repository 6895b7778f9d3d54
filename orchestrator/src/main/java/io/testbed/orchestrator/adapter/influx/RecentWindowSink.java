package io.testbed.orchestrator.adapter.influx;

import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.port.TimeseriesInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the most recent points in memory (bounded) and passes every point on to a delegate sink; the in-memory window
 * serves the web page and tests.
 */
public final class RecentWindowSink implements TelemetrySink {
  private final TelemetrySink delegate;
  private final int capacity;
  private final ArrayDeque<TelemetryPoint> window;

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
    }
    delegate.write(point);
  }

  /** The most recent points, oldest first. */
  public List<TelemetryPoint> recent() {
    synchronized (window) {
      return new ArrayList<>(window);
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
