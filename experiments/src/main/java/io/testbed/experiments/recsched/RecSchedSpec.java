package io.testbed.experiments.recsched;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.testbed.experiments.loadgen.querysize.QuerySizeSpec;
import java.util.List;
import java.util.Map;

/**
 * A recommendation-serving tuning experiment ({@code "type": "recsched"}, SYSTEMS.md sections 2 and 10): DeepRecSched
 * and its static baselines against the recommendation servers of the named cloud agents. Null fields take the
 * orchestrator's {@code testbed.orchestrator.recsched} defaults; {@link RecSchedSpecParser} validates a document.
 *
 * @param name human name (prefix of the run id)
 * @param type always {@code recsched}
 * @param servers device ids of the cloud agents whose recommendation servers take the load (queries balanced over them)
 * @param models recommendation models to tune, one after the other
 * @param slaMs p95 latency bound per model (ms); models not listed take the configured default
 * @param querySize items per query ({@link QuerySizeSpec}; default lognormal(5.1, 0.2))
 * @param rowDistribution row ids the servers generate: {@code uniform} or {@code power-law[:alpha]}
 * @param policies which schedulers to run per model: {@link #POLICIES}
 * @param smallBatchSize B of the {@code static-small-batch} baseline
 * @param batchSizes DeepRecSched's batch-size walk, in order
 * @param offloadThresholds DeepRecSched's threshold walk, in order (empty: no threshold walk)
 * @param grid the log-spaced load grid and where the first climb starts
 * @param windowQueries completed queries per p95 window
 * @param holdBand hold band as a fraction: p95 below SLA / (1 + holdBand) raises the load
 * @param maxWindows timeout of one configuration's climb, in windows
 * @param maxDurationMs timeout of one configuration's climb in time (0 = windows only)
 * @param medianOfLast the climb's result is the lower median of the last k windows' loads
 * @param confirmWindows confirmation windows at the median load (0 = the paper's loop exactly)
 * @param queryTimeoutMs a query without an answer this long after its scheduled time is a failure
 * @param balancer {@code join-shortest-queue} or {@code round-robin}
 * @param sweep the batch-size sweep of SYSTEMS.md section 10 (null = none)
 * @param warmup warm-up queries per server before a model's first policy (0 = none); excluded from every result
 * @param rounds how many times the policy comparison repeats per model, the order alternating (odd rounds in
 *     {@link #POLICIES} order, even rounds reversed); results per round and their median
 * @param seed seed of the arrival and query-size streams
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "type", "servers", "models", "slaMs", "querySize", "rowDistribution", "policies",
    "smallBatchSize", "batchSizes", "offloadThresholds", "grid", "windowQueries", "holdBand", "maxWindows",
    "maxDurationMs", "medianOfLast", "confirmWindows", "queryTimeoutMs", "balancer", "sweep", "warmup", "rounds", "seed"})
public record RecSchedSpec(
    String name,
    String type,
    List<String> servers,
    List<String> models,
    Map<String, Double> slaMs,
    QuerySizeSpec querySize,
    String rowDistribution,
    List<String> policies,
    Integer smallBatchSize,
    List<Integer> batchSizes,
    List<Integer> offloadThresholds,
    Grid grid,
    Integer windowQueries,
    Double holdBand,
    Integer maxWindows,
    Long maxDurationMs,
    Integer medianOfLast,
    Integer confirmWindows,
    Long queryTimeoutMs,
    String balancer,
    Sweep sweep,
    Integer warmup,
    Integer rounds,
    Long seed) {

  public static final String TYPE = "recsched";
  public static final String DEEPRECSCHED = "deeprecsched";
  public static final String STATIC_NO_SPLIT = "static-no-split";
  public static final String STATIC_SMALL_BATCH = "static-small-batch";
  /** Scheduler names a spec may list, in the order they run. */
  public static final List<String> POLICIES = List.of(DEEPRECSCHED, STATIC_NO_SPLIT, STATIC_SMALL_BATCH);
  public static final List<String> BALANCERS = List.of("join-shortest-queue", "round-robin");
  /** Largest query and batch size the servers accept; B = 1024 means one query per worker (no splitting). */
  public static final int MAX_ITEMS = 1024;

  public RecSchedSpec {
    servers = servers == null ? null : List.copyOf(servers);
    models = models == null ? null : List.copyOf(models);
    slaMs = slaMs == null ? null : Map.copyOf(slaMs);
    policies = policies == null ? null : List.copyOf(policies);
    batchSizes = batchSizes == null ? null : List.copyOf(batchSizes);
    offloadThresholds = offloadThresholds == null ? null : List.copyOf(offloadThresholds);
  }

  /** The policies to run, in {@link #POLICIES} order; all three when absent. */
  public List<String> policiesInOrder() {
    return POLICIES.stream().filter(p -> policies == null || policies.contains(p)).toList();
  }

  /**
   * The policies in the order round {@code round} (1-based) runs them: odd rounds as {@link #policiesInOrder}, even
   * rounds reversed, so over a pair of rounds every policy has the same mean position (warm-up and host drift are not
   * confounded with the policy).
   */
  public static List<String> roundOrder(List<String> policies, int round) {
    if (round % 2 == 1) return List.copyOf(policies);
    List<String> r = new java.util.ArrayList<>(policies);
    java.util.Collections.reverse(r);
    return List.copyOf(r);
  }

  /**
   * The load grid: {@code minQps * 10^(i / stepsPerDecade)} up to {@code maxQps}; the first climb starts at the grid
   * point at or below {@code startQps}. Null fields take the configured defaults.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"minQps", "maxQps", "stepsPerDecade", "startQps"})
  public record Grid(Double minQps, Double maxQps, Integer stepsPerDecade, Double startQps) {}

  /**
   * Batch-size sweep (SYSTEMS.md section 10): per model and per B, the latency-bounded QPS of the static (B, no
   * offload) configuration, with the servers' co-located instances as they run (a server start option, reported).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Sweep(List<Integer> batchSizes) {
    public Sweep {
      batchSizes = batchSizes == null ? null : List.copyOf(batchSizes);
    }
  }
}
