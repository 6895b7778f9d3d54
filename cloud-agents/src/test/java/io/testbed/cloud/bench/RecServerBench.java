package io.testbed.cloud.bench;

import com.typesafe.config.ConfigFactory;
import io.testbed.cloud.config.RecSettings;
import io.testbed.cloud.rec.QueryOutcome;
import io.testbed.cloud.rec.QueryResult;
import io.testbed.cloud.rec.RecQuery;
import io.testbed.cloud.rec.RecServer;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecInputs;
import io.testbed.inference.rec.RecModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Latency-bounded throughput of the recommendation server per (B, T) (SYSTEMS.md sections 2 and 10), in process:
 * open-loop Poisson arrivals on a ladder of loads (8 QPS up, x sqrt(2) per rung, every configuration in turn at each
 * rung), query sizes lognormal(5.1, 0.2) clipped to [1, 1024], latency from the
 * scheduled arrival to completion (MLPerf Server style); a point passes when p95 <= the model's SLA and under 1% of
 * its queries were rejected or failed. Not a test: figures depend on the host. Writes a Markdown table.
 *
 * <p>Usage: {@code RecServerBench OUT.md [secondsPerPoint=2] [models=dlrm-rmc1,dlrm-rmc2,dlrm-rmc3]}.
 */
public final class RecServerBench {
  /** Medium tail-latency targets of DeepRecSys (arXiv 2001.02772, Table II as we read it), used unscaled. */
  static final Map<String, Double> SLA_MS = Map.of("dlrm-rmc1", 100.0, "dlrm-rmc2", 400.0, "dlrm-rmc3", 100.0, "wnd", 25.0, "mt-wnd", 25.0,
      "ncf", 5.0, "din", 100.0, "dien", 35.0, "mlperf-dlrm", 30.0);
  static final int NEVER = 1025;
  /** Bytes of row ids the pre-generated queries of a model span at least: 8x this host's 32 MB L3, so lookups do not all hit the cache. */
  static final long POOL_BYTES = 256L << 20;

  record Config(String label, int batchSize, int threshold) {}

  record Point(double qps, int issued, int served, int rejected, int failed, double p50, double p95, double p99, double meanQueueMs,
      double acceleratorShare) {
    boolean passes(double sla) { return issued > 0 && p95 <= sla && (rejected + failed) <= issued / 100; }
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench/rec-server-bench.md");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
    List<String> models = args.length > 2 ? List.of(args[2].split(",")) : List.of("dlrm-rmc1", "dlrm-rmc2", "dlrm-rmc3");
    List<Config> configs = List.of(
        new Config("no splitting (B = N)", 1024, NEVER),
        new Config("fixed small B", 16, NEVER),
        new Config("grid", 32, NEVER),
        new Config("grid", 64, NEVER),
        new Config("grid", 128, NEVER),
        new Config("grid, accelerator", 64, 192));
    RecSettings s = RecSettings.fromConfig(ConfigFactory.load()).withModels(models).withPool(2, 1, 256);
    // the modelled accelerator only holds its modelled time here: computing outputs on the CPU would take the workers' cores
    s = s.withAccelerator(new RecSettings.AcceleratorSettings(RecSettings.AcceleratorMode.MODELLED, 256, false, s.accelerator().serviceTimeMs()));
    long t0 = System.nanoTime();
    String loadBefore = loadAverage();
    StringBuilder md = new StringBuilder();
    StringBuilder log = new StringBuilder();
    Map<String, Map<Config, Double>> bestQps = new LinkedHashMap<>();
    try (RecServer server = RecServer.start(s)) {
      server.ready().toCompletableFuture().get(10, TimeUnit.MINUTES);
      System.out.printf(Locale.ROOT, "built and warmed %s in %.1f s%n", models, (System.nanoTime() - t0) / 1e9);
      md.append("| model | SLA p95 ms | configuration | B | T | latency-bounded QPS | p95 ms | p99 ms | mean queue ms | accelerator share | points |\n");
      md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (String name : models) {
        RecModel m = server.model(name);
        double sla = SLA_MS.getOrDefault(name, 100.0);
        List<RecBatch> pool = pool(m);
        // A ladder of loads (x sqrt(2) per rung) with every configuration tried at each rung in turn, so bursts of load
        // from other processes on this shared host hit all configurations alike; a configuration drops out at the
        // first rung it fails twice in a row (the second run confirms the first).
        Map<Config, Point> bestOf = new LinkedHashMap<>();
        Map<Config, Integer> pointsOf = new LinkedHashMap<>();
        List<Config> active = new ArrayList<>(configs);
        for (double qps = 8; !active.isEmpty() && qps <= 1024; qps *= Math.sqrt(2)) {
          for (Config c : List.copyOf(active)) {
            server.setPolicy(name, c.batchSize(), c.threshold());
            Point p = run(server, name, pool, qps, seconds, (long) (17 + qps));
            log(log, name, c, p);
            pointsOf.merge(c, 1, Integer::sum);
            if (!p.passes(sla)) {
              p = run(server, name, pool, qps, seconds, (long) (1017 + qps));
              log(log, name, c, p);
              pointsOf.merge(c, 1, Integer::sum);
            }
            if (p.passes(sla)) bestOf.put(c, p);
            else active.remove(c);
          }
        }
        for (Config c : configs) {
          Point best = bestOf.get(c);
          int npoints = pointsOf.getOrDefault(c, 0);
          if (best != null) bestQps.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(c, best.qps());
          md.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n", name, sla, c.label(),
              c.batchSize() >= 1024 ? "N" : Integer.toString(c.batchSize()), c.threshold() == NEVER ? "off" : Integer.toString(c.threshold()),
              best == null ? "< 8" : String.format(Locale.ROOT, "%.1f", best.qps()), best == null ? "-" : f(best.p95()), best == null ? "-" : f(best.p99()),
              best == null ? "-" : f(best.meanQueueMs()), best == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * best.acceleratorShare()),
              npoints));
        }
      }
    }
    md.append("\nSummary (server level: the best grid point stands in for a tuned (B, T)):\n\n");
    md.append("| model | no splitting QPS | B = 16 QPS | best (B, T) | its QPS | vs no splitting | vs B = 16 |\n|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, Map<Config, Double>> e : bestQps.entrySet()) {
      Map<Config, Double> q = e.getValue();
      double noSplit = q.getOrDefault(configs.get(0), 0.0), small = q.getOrDefault(configs.get(1), 0.0);
      Config top = null;
      for (Map.Entry<Config, Double> c : q.entrySet()) if (top == null || c.getValue() > q.get(top)) top = c.getKey();
      double t = q.get(top);
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | (%s, %s) | %.1f | %s | %s |%n", e.getKey(), noSplit == 0 ? "< 8" : f(noSplit),
          small == 0 ? "< 8" : f(small), top.batchSize() >= 1024 ? "N" : Integer.toString(top.batchSize()),
          top.threshold() == NEVER ? "off" : Integer.toString(top.threshold()), t, noSplit == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", t / noSplit),
          small == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", t / small)));
    }
    String text = "Recommendation server bench (`RecServerBench`, " + String.format(Locale.ROOT, "%.0f", seconds) + " s per load point, "
        + "2 workers x 1 intra-op thread, default scales, uniform row ids, query sizes lognormal(5.1, 0.2); accelerator modelled, outputs not "
        + "computed on it). Total " + String.format(Locale.ROOT, "%.0f", (System.nanoTime() - t0) / 1e9) + " s; /proc/loadavg before: "
        + loadBefore + ", after: " + loadAverage() + " (2 cores, shared with other builds).\n\n" + md + "\nLoad points:\n\n```\n" + log + "```\n";
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, text);
    System.out.println(md);
    System.out.println("wrote " + out);
  }

  static void log(StringBuilder log, String name, Config c, Point p) {
    String line = String.format(Locale.ROOT, "%s %s B=%d T=%d qps %.1f: p50 %.1f p95 %.1f ms, served %d, rejected %d, failed %d, accelerator %.0f%%%n",
        name, c.label(), c.batchSize(), c.threshold(), p.qps(), p.p50(), p.p95(), p.served(), p.rejected(), p.failed(), 100 * p.acceleratorShare());
    log.append(line);
    System.out.print(line);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String f(double v) { return String.format(Locale.ROOT, "%.1f", v); }

  /**
   * Pre-generated queries (sizes lognormal(5.1, 0.2) clipped to [1, 1024]), so input generation stays out of the load
   * loop; enough of them to span {@link #POOL_BYTES} of inputs (24 to 400), cycled.
   */
  static List<RecBatch> pool(RecModel m) {
    SplittableRandom r = new SplittableRandom(42);
    RecInputs in = RecInputs.uniform(m, 7);
    List<RecBatch> pool = new ArrayList<>();
    long perQuery = 164L * (m.tables() * m.lookups() * 8L + m.denseFeatures() * 4L);
    int size = (int) Math.max(24, Math.min(400, POOL_BYTES / perQuery));
    for (int i = 0; i < size; i++) {
      int n = (int) Math.max(1, Math.min(1024, Math.round(Math.exp(5.1 + 0.2 * r.nextGaussian()))));
      pool.add(in.batch(n, i));
    }
    return pool;
  }

  /** One open-loop load point: Poisson arrivals at {@code qps} for {@code seconds}, then waits for every query. */
  static Point run(RecServer server, String model, List<RecBatch> pool, double qps, double seconds, long seed) throws Exception {
    SplittableRandom rng = new SplittableRandom(seed);
    int count = Math.max(30, (int) Math.round(qps * seconds));
    Histogram h = new Histogram(3_600_000_000L, 3);
    AtomicInteger served = new AtomicInteger(), rejected = new AtomicInteger(), failed = new AtomicInteger(), accel = new AtomicInteger();
    double[] queue = new double[1];
    List<CompletableFuture<Void>> all = new ArrayList<>(count);
    long start = System.nanoTime();
    double at = 0;
    for (int i = 0; i < count; i++) {
      at += -Math.log(1 - rng.nextDouble()) / qps;
      long scheduled = start + (long) (at * 1e9);
      long wait = scheduled - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      RecBatch b = pool.get(i % pool.size());
      all.add(server.submit(new RecQuery(model, b.items(), 0, null, b, false)).toCompletableFuture().thenAccept(o -> {
        long end = System.nanoTime();
        synchronized (h) {
          if (o instanceof QueryOutcome.Served s) {
            served.incrementAndGet();
            QueryResult r = s.result();
            if ("accelerator".equals(r.path())) accel.incrementAndGet();
            h.recordValue(Math.max(0, (end - scheduled) / 1000));
            queue[0] += r.queueMs();
          } else if (o instanceof QueryOutcome.Rejected) {
            rejected.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    synchronized (h) {
      int n = served.get();
      double p50 = n == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0;
      double p95 = n == 0 ? Double.POSITIVE_INFINITY : h.getValueAtPercentile(95) / 1000.0;
      double p99 = n == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0;
      return new Point(qps, count, n, rejected.get(), failed.get(), p50, p95, p99, n == 0 ? 0 : queue[0] / n, n == 0 ? 0 : (double) accel.get() / n);
    }
  }

  private RecServerBench() {}


}
