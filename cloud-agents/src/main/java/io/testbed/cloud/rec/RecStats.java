package io.testbed.cloud.rec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Counters and latency histograms of the recommendation server: served, rejected, failed (timed out among them) and
 * bad requests, and per model the latency, queueing and service percentiles (HdrHistogram, microsecond resolution,
 * 3 significant digits) since start or the last {@link #reset()}.
 */
public final class RecStats {
  private static final long HIGHEST_US = 3_600_000_000L;

  private final AtomicLong served = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong badRequests = new AtomicLong();
  private final Map<String, PerModel> perModel = new LinkedHashMap<>();
  private volatile long sinceNs = System.nanoTime();

  private static final class PerModel {
    final AtomicLong served = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong accelerator = new AtomicLong();
    final Histogram latency = new Histogram(HIGHEST_US, 3);
    final Histogram queue = new Histogram(HIGHEST_US, 3);
    final Histogram service = new Histogram(HIGHEST_US, 3);
  }

  RecStats(List<String> models) {
    for (String m : models) perModel.put(m, new PerModel());
  }

  void served(QueryResult r) {
    served.incrementAndGet();
    PerModel p = perModel.get(r.model());
    p.served.incrementAndGet();
    if ("accelerator".equals(r.path())) p.accelerator.incrementAndGet();
    synchronized (p) {
      p.latency.recordValue(us(r.latencyMs()));
      p.queue.recordValue(us(r.queueMs()));
      p.service.recordValue(us(r.serviceMs()));
    }
  }

  void rejected(String model) {
    rejected.incrementAndGet();
    perModel.get(model).rejected.incrementAndGet();
  }

  void failed(String model, boolean timeout) {
    failed.incrementAndGet();
    if (timeout) timedOut.incrementAndGet();
    perModel.get(model).failed.incrementAndGet();
  }

  void badRequest() { badRequests.incrementAndGet(); }

  private static long us(double ms) { return Math.max(0, Math.min(HIGHEST_US, Math.round(ms * 1000))); }

  public long served() { return served.get(); }

  /** Queries refused because their queue was full (503). */
  public long rejected() { return rejected.get(); }

  /** Admitted queries that failed: a sub-request failed, or the query timed out. */
  public long failed() { return failed.get(); }

  public long timedOut() { return timedOut.get(); }

  /** Queries refused as malformed (400) or for an unknown model (404). */
  public long badRequests() { return badRequests.get(); }

  /** The p-th percentile (0-100) of a model's latency in ms since the last reset; NaN when none was served. */
  public double latencyPercentileMs(String model, double p) {
    PerModel m = perModel.get(model);
    synchronized (m) {
      return m.latency.getTotalCount() == 0 ? Double.NaN : m.latency.getValueAtPercentile(p) / 1000.0;
    }
  }

  /** Zeroes every counter and histogram. */
  public void reset() {
    served.set(0);
    rejected.set(0);
    failed.set(0);
    timedOut.set(0);
    badRequests.set(0);
    for (PerModel p : perModel.values()) {
      p.served.set(0);
      p.rejected.set(0);
      p.failed.set(0);
      p.accelerator.set(0);
      synchronized (p) {
        p.latency.reset();
        p.queue.reset();
        p.service.reset();
      }
    }
    sinceNs = System.nanoTime();
  }

  /** The figures as a JSON-ready map (GET /v1/rec/stats), without the queue lengths the server adds. */
  Map<String, Object> snapshot() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("sinceResetS", (System.nanoTime() - sinceNs) / 1e9);
    s.put("served", served.get());
    s.put("rejected", rejected.get());
    s.put("failed", failed.get());
    s.put("timedOut", timedOut.get());
    s.put("badRequests", badRequests.get());
    Map<String, Object> models = new LinkedHashMap<>();
    for (Map.Entry<String, PerModel> e : perModel.entrySet()) {
      PerModel p = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("served", p.served.get());
      m.put("rejected", p.rejected.get());
      m.put("failed", p.failed.get());
      m.put("accelerator", p.accelerator.get());
      synchronized (p) {
        m.put("latencyMs", percentiles(p.latency));
        m.put("queueMs", percentiles(p.queue));
        m.put("serviceMs", percentiles(p.service));
      }
      models.put(e.getKey(), m);
    }
    s.put("models", models);
    return s;
  }

  private static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) return m;
    m.put("mean", h.getMean() / 1000.0);
    m.put("p50", h.getValueAtPercentile(50) / 1000.0);
    m.put("p95", h.getValueAtPercentile(95) / 1000.0);
    m.put("p99", h.getValueAtPercentile(99) / 1000.0);
    m.put("max", h.getMaxValue() / 1000.0);
    return m;
  }
}
