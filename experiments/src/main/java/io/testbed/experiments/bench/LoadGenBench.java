package io.testbed.experiments.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testbed.experiments.analysis.LatencyStats;
import io.testbed.experiments.loadgen.LoadGen;
import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.QueryOutcome;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.ScenarioResult;
import io.testbed.experiments.loadgen.SystemTicker;
import io.testbed.experiments.loadgen.SystemUnderTest;
import io.testbed.experiments.spec.SpecJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Bench command (not a test): LoadGen's own precision on this machine. Server mode at 100 and 1000 QPS against a
 * no-op system under test, reporting issue-time error (issued minus scheduled) p50/p99/max; and SingleStream back to
 * back against the same no-op system, whose duration per query is LoadGen's overhead per query. Writes
 * {@code loadgen-bench.json} (README "Bench").
 *
 * <p>Arguments: {@code [secondsPerRate] [outputDir] [spinUs]}; defaults 10, {@code experiments/target/bench} and
 * 100 (how long {@link SystemTicker} spins before a deadline).
 */
public final class LoadGenBench {
  private static final SystemUnderTest NO_OP = new SystemUnderTest() {
    @Override
    public void issue(io.testbed.experiments.loadgen.Query query, io.testbed.experiments.loadgen.QueryCompletion c) {
      c.complete(QueryOutcome.ok("no-op", "none"));
    }

    @Override
    public String name() { return "no-op"; }
  };

  private LoadGenBench() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
    Path out = args.length > 1 ? Path.of(args[1])
        : Files.isDirectory(Path.of("experiments")) ? Path.of("experiments/target/bench") : Path.of("target/bench");
    ObjectNode report = SpecJson.mapper().createObjectNode();
    report.put("when", Instant.now().toString());
    report.put("cpus", Runtime.getRuntime().availableProcessors());
    report.put("java", System.getProperty("java.version"));
    long spinNs = (args.length > 2 ? Long.parseLong(args[2]) : 100) * 1000;
    report.put("secondsPerRate", seconds);
    report.put("spinUs", spinNs / 1000);
    // The host is shared: the load says how much of the tail is other work.
    report.put("loadAverageBefore", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    server(1000, 2, spinNs); // warm-up: JIT the issue path before measuring
    ArrayNode rates = report.putArray("server");
    for (double qps : new double[] {100, 1000}) {
      ScenarioResult r = server(qps, seconds, spinNs);
      long[] delays = r.records().stream().mapToLong(QueryRecord::issueDelayNs).sorted().toArray();
      ObjectNode o = rates.addObject();
      o.put("targetQps", qps);
      o.put("queries", delays.length);
      o.put("achievedQps", delays.length / (r.finalQueryScheduledNs() / 1e9));
      o.put("issueErrorP50Us", LatencyStats.percentile(delays, 0.50) / 1e3);
      o.put("issueErrorP99Us", LatencyStats.percentile(delays, 0.99) / 1e3);
      o.put("issueErrorP999Us", LatencyStats.percentile(delays, 0.999) / 1e3);
      o.put("issueErrorMaxUs", delays[delays.length - 1] / 1e3);
      o.put("goalP99Under1ms", LatencyStats.percentile(delays, 0.99) < 1_000_000);
    }

    LoadGenSettings ss = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(Math.max(1, seconds / 2) * 1000)
        .minQueryCount(1).earlyStopping(false).build();
    ScenarioResult r = new LoadGen(new SystemTicker(spinNs)).run(ss, NO_OP);
    ObjectNode overhead = report.putObject("overheadPerQuery");
    overhead.put("scenario", "SingleStream back to back, no-op SUT");
    overhead.put("queries", r.records().size());
    overhead.put("nsPerQuery", (double) r.durationNs() / r.records().size());

    report.put("loadAverageAfter", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Files.createDirectories(out);
    Path file = out.resolve("loadgen-bench.json");
    SpecJson.mapper().writeValue(file.toFile(), report);
    System.out.println(SpecJson.mapper().writeValueAsString(report));
    System.out.println("written to " + file);
  }

  private static ScenarioResult server(double qps, long seconds, long spinNs) throws InterruptedException {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(qps).latencyBoundMs(1000)
        .minDurationMs(seconds * 1000).minQueryCount(1).earlyStopping(false).seed(2026).build();
    return new LoadGen(new SystemTicker(spinNs)).run(s, NO_OP);
  }
}
