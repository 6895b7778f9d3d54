package io.testbed.orchestrator.policy.recsched;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Bench command, not a test: DeepRecSched against the two baselines (no splitting, B = 1024; a fixed small B = 8) on
 * {@link SimulatedRecServers} for each of SYSTEMS.md section 2's models ({@link RecModels}' assumed costs), 2 servers x
 * 8 workers (+ 1 accelerator each when run with {@code --accelerator}), lognormal(5.1, 0.2) query sizes, JSQ. Writes a
 * markdown table to the file named by the first argument (default {@code target/recsched-bench.md}); {@code --confirm N}
 * turns on the climber's confirmation with N windows (default 0, paper-exact). Simulated time:
 * the figures show the policy's behaviour on a modelled server, not measured hardware.
 */
public final class RecSchedBench {
  private RecSchedBench() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "target/recsched-bench.md");
    List<String> a = List.of(args);
    boolean acc = a.contains("--accelerator");
    int confirm = a.contains("--confirm") ? Integer.parseInt(a.get(a.indexOf("--confirm") + 1)) : 0;
    long seed = 1;
    StringBuilder md = new StringBuilder();
    md.append("Simulated (SimulatedRecServers, RecModels' assumed costs), 2 servers x 8 workers")
        .append(acc ? " + 1 accelerator each" : ", no accelerator")
        .append(", lognormal(5.1, 0.2) sizes, JSQ, grid 1..100k QPS 20/decade, 64-query windows, hold band 1.1, ")
        .append("80 windows per configuration, median of last 10, ")
        .append(confirm == 0 ? "no confirmation (paper-exact)" : "confirmation " + confirm + " windows")
        .append(", seed ").append(seed).append(".\n\n");
    md.append("| model | SLA ms | scheduler | B | T | QPS | p95 ms | p99 ms | SLA met | configs tried | sim s | QPS vs no-split |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (RecModels.Model m : RecModels.ALL) {
      HillClimbSettings climb = new HillClimbSettings(m.slaNs(), 1.1, new LoadGrid(1, 100_000, 20), 64, 80, 0, 10, confirm);
      int start = climb.grid().indexAtOrBelow(10);
      RecSchedSettings rs = new RecSchedSettings(climb, RecSchedSettings.powersOfTwo(1, 1024),
          acc ? List.of(1024, 512, 256, 128, 64, 32, 16, 8) : List.of(), start);
      List<String[]> rows = new ArrayList<>();
      double noSplitQps = 0;
      for (RecScheduler s : List.of(StaticScheduler.noSplitting(climb, start),
          new StaticScheduler(RecConfig.cpuOnly(8), climb, start), new DeepRecSched(rs))) {
        SimulatedRecServers sim = new SimulatedRecServers(m.cost(), 8, acc, QuerySizeDistribution.defaultDistribution(),
            new LoadBalancer(LoadBalancer.Strategy.JOIN_SHORTEST_QUEUE), seed);
        SimulatedRecServers.Outcome o = sim.run(s, 2, 64, 10_000L * 1_000_000_000L);
        RecSchedDecision.Finished f = o.finished();
        String label = s instanceof DeepRecSched ? "DeepRecSched"
            : f.best().batchSize() == 1024 ? "static no-split" : "static B=8";
        if (label.equals("static no-split")) noSplitQps = f.qps();
        rows.add(new String[] {m.name(), ms(m.slaNs()), label, Integer.toString(f.best().batchSize()),
            f.best().thresholdLabel(), String.format(Locale.ROOT, "%.1f", f.qps()), ms(f.p95Ns()), ms(f.p99Ns()),
            f.p95Ns() <= m.slaNs() ? "yes" : "no",
            Integer.toString(f.history().size()), String.format(Locale.ROOT, "%.0f", o.simulatedNs() / 1e9),
            noSplitQps > 0 ? String.format(Locale.ROOT, "%.2fx", f.qps() / noSplitQps) : "-"});
      }
      for (String[] r : rows) md.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString());
    System.out.print(md);
  }

  private static String ms(long ns) {
    return ns == WindowStats.FAILED ? "inf" : String.format(Locale.ROOT, "%.2f", ns / 1e6);
  }
}
