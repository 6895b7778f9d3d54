package io.testbed.orchestrator.policy.autoscale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Bench command (not a test): the latency distribution of one decide + update, each call timed with
 * {@code System.nanoTime} into an HdrHistogram after a warm-up; prints p50/p90/p99/p99.9/max in ns and writes them to
 * {@code target/decision-latency.txt}. Args: {@code [iterations=2000000] [warmup=500000]}. Goal: p99 under 10 us.
 */
public final class DecisionLatencyBench {
  public static void main(String[] args) throws IOException {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
    BenchFixture f = new BenchFixture();
    long sink = 0;
    for (int i = 0; i < warmup; i++) sink += f.step().actionIndex();
    // Auto-resizing: a scheduler stall of milliseconds on a shared machine is recorded, not an error.
    Histogram h = new Histogram(3);
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      Decision d = f.step();
      long t1 = System.nanoTime();
      sink += d.actionIndex();
      h.recordValue(t1 - t0);
    }
    String out = String.format(Locale.ROOT,
        "decide+update over %d calls (after %d warm-up): p50 %d ns, p90 %d ns, p99 %d ns, p99.9 %d ns, max %d ns, "
            + "mean %.0f ns (states %d, sink %d)%n",
        iterations, warmup, h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean(), f.learner.table().stateCount(), sink % 10);
    System.out.print(out);
    Path file = Path.of("target", "decision-latency.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
  }
}
