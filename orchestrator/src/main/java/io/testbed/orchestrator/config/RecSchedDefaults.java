package io.testbed.orchestrator.config;

import com.typesafe.config.Config;
import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution;
import io.testbed.experiments.loadgen.querysize.QuerySizeProblem;
import io.testbed.experiments.recsched.RecSchedSpec;
import io.testbed.experiments.spec.SpecProblem;
import io.testbed.orchestrator.policy.recsched.HillClimbSettings;
import io.testbed.orchestrator.policy.recsched.LoadBalancer;
import io.testbed.orchestrator.policy.recsched.LoadGrid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults of a {@code recsched} run ({@code testbed.orchestrator.recsched} in {@code reference.conf}) and
 * {@link #resolve}, which fills a spec's absent fields from them.
 */
public record RecSchedDefaults(
    Map<String, Double> slaMs,
    double holdBand,
    int windowQueries,
    double minQps,
    double maxQps,
    int stepsPerDecade,
    double startQps,
    int maxWindows,
    Duration maxDuration,
    int medianOfLast,
    int confirmWindows,
    List<Integer> batchSizes,
    List<Integer> offloadThresholds,
    int smallBatchSize,
    String balancer,
    Duration queryTimeout,
    String rowDistribution,
    int warmupQueries,
    int rounds,
    int httpThreads) {

  public static RecSchedDefaults fromConfig(Config root) {
    Config c = root.getConfig("testbed.orchestrator.recsched");
    Map<String, Double> sla = new LinkedHashMap<>();
    c.getConfig("sla-ms").root().keySet().forEach(k -> sla.put(k, c.getConfig("sla-ms").getDouble("\"" + k + "\"")));
    return new RecSchedDefaults(Map.copyOf(sla), c.getDouble("hold-band"), c.getInt("window-queries"),
        c.getDouble("grid.min-qps"), c.getDouble("grid.max-qps"), c.getInt("grid.steps-per-decade"), c.getDouble("start-qps"),
        c.getInt("max-windows"), c.getDuration("max-duration"), c.getInt("median-of-last"), c.getInt("confirm-windows"),
        List.copyOf(c.getIntList("batch-sizes")), List.copyOf(c.getIntList("offload-thresholds")), c.getInt("small-batch-size"),
        c.getString("balancer"), c.getDuration("query-timeout"), c.getString("row-distribution"), c.getInt("warmup-queries"), c.getInt("rounds"), c.getInt("http-threads"));
  }

  /**
   * A spec with every value decided.
   *
   * @param slaMs per model, in the spec's model order
   * @param warmupQueries warm-up queries per server before each model's first policy (0 = none)
   * @param rounds rounds of the policy comparison per model (order alternating)
   */
  public record Resolved(RecSchedSpec spec, Map<String, Double> slaMs, QuerySizeDistribution querySize,
      String rowDistribution, List<String> policies, int smallBatchSize, List<Integer> batchSizes,
      List<Integer> offloadThresholds, LoadGrid grid, int startGridIndex, int windowQueries, double holdBand,
      int maxWindows, long maxDurationNs, int medianOfLast, int confirmWindows, Duration queryTimeout,
      LoadBalancer.Strategy balancer, List<Integer> sweepBatchSizes, int warmupQueries, int rounds, long seed) {

    /** The inner-loop settings for a model. */
    public HillClimbSettings climb(String model) {
      return new HillClimbSettings(Math.round(slaMs.get(model) * 1e6), holdBand, grid, windowQueries, maxWindows,
          maxDurationNs, medianOfLast, confirmWindows);
    }
  }

  /** Outcome of {@link #resolve}: a plan, or the problems (a model without an SLA, a bad query-size file...). */
  public record Resolution(Resolved plan, List<SpecProblem> problems) {}

  /** Fills the spec's absent fields from these defaults; {@code baseDir} resolves an empirical query-size file. */
  public Resolution resolve(RecSchedSpec s, Path baseDir) {
    List<SpecProblem> problems = new ArrayList<>();
    Map<String, Double> sla = new LinkedHashMap<>();
    for (String m : s.models()) {
      Double v = s.slaMs() != null && s.slaMs().containsKey(m) ? s.slaMs().get(m) : slaMs.get(m);
      if (v == null) problems.add(new SpecProblem("slaMs." + m, "no SLA given and no default for this model (testbed.orchestrator.recsched.sla-ms)"));
      else sla.put(m, v);
    }
    QuerySizeDistribution sizes = QuerySizeDistribution.defaultDistribution();
    if (s.querySize() != null) {
      var r = s.querySize().resolve(baseDir, "querySize");
      for (QuerySizeProblem q : r.problems()) problems.add(new SpecProblem(q.path(), q.message()));
      if (r.ok()) sizes = r.distribution();
    }
    double min = s.grid() != null && s.grid().minQps() != null ? s.grid().minQps() : minQps;
    double max = s.grid() != null && s.grid().maxQps() != null ? s.grid().maxQps() : maxQps;
    int steps = s.grid() != null && s.grid().stepsPerDecade() != null ? s.grid().stepsPerDecade() : stepsPerDecade;
    double start = s.grid() != null && s.grid().startQps() != null ? s.grid().startQps() : startQps;
    if (max <= min) problems.add(new SpecProblem("grid.maxQps", "must be greater than grid.minQps (" + min + ")"));
    int windows = or(s.maxWindows(), maxWindows);
    int median = or(s.medianOfLast(), medianOfLast);
    if (median > windows) problems.add(new SpecProblem("medianOfLast", "must be <= maxWindows (" + windows + ")"));
    List<Integer> bs = s.batchSizes() != null ? s.batchSizes() : batchSizes;
    for (int i = 1; i < bs.size(); i++) {
      if (bs.get(i) <= bs.get(i - 1)) problems.add(new SpecProblem("batchSizes[" + i + "]", "batch sizes must be strictly ascending"));
    }
    if (!problems.isEmpty()) return new Resolution(null, problems);
    LoadGrid grid = new LoadGrid(min, max, steps);
    Resolved r = new Resolved(s, sla, sizes, s.rowDistribution() != null ? s.rowDistribution() : rowDistribution,
        s.policiesInOrder(), or(s.smallBatchSize(), smallBatchSize), bs,
        s.offloadThresholds() != null ? s.offloadThresholds() : offloadThresholds, grid,
        grid.indexAtOrBelow(Math.max(min, Math.min(max, start))), or(s.windowQueries(), windowQueries),
        s.holdBand() != null ? 1 + s.holdBand() : holdBand, windows,
        s.maxDurationMs() != null ? s.maxDurationMs() * 1_000_000L : maxDuration.toNanos(), median,
        or(s.confirmWindows(), confirmWindows),
        s.queryTimeoutMs() != null ? Duration.ofMillis(s.queryTimeoutMs()) : queryTimeout,
        "round-robin".equals(s.balancer() != null ? s.balancer() : balancer) ? LoadBalancer.Strategy.ROUND_ROBIN
            : LoadBalancer.Strategy.JOIN_SHORTEST_QUEUE,
        s.sweep() == null ? List.of() : s.sweep().batchSizes(), or(s.warmup(), warmupQueries), or(s.rounds(), rounds),
        s.seed() != null ? s.seed() : 1L);
    return new Resolution(r, List.of());
  }

  private static int or(Integer v, int d) { return v != null ? v : d; }
}
