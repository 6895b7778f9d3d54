package io.testbed.experiments.recsched;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The result of a {@code recsched} run ({@code recsched-report.json}, also the run's {@code summary}): per model the
 * latency-bounded QPS, p95, p99 and chosen (B, T) of every policy in every round, the per-policy medians over the
 * rounds and the ratios DeepRecSched / baseline of those medians, the warm-ups (excluded from every result), the
 * per-window trace of the tuning and the batch-size sweep.
 *
 * @param type always {@code recsched} (the CLI picks its table by it)
 * @param verdict {@code VALID} when DeepRecSched (or, without it, any policy) found a configuration meeting the SLA for
 *     every model in every round, else {@code INVALID}
 * @param rounds rounds of the policy comparison (null in reports written before rounds existed: 1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecSchedReport(
    String type,
    String runId,
    String name,
    String verdict,
    String error,
    Integer rounds,
    List<ServerInfo> servers,
    List<WarmUp> warmups,
    List<ModelReport> models,
    List<WindowRow> windows,
    List<SweepPoint> sweep) {

  /** The paper's headline: DeepRecSched's latency-bounded throughput over a static configuration (SYSTEMS.md section 2). */
  public static final double PAPER_GAIN = 2.0;

  public RecSchedReport {
    servers = List.copyOf(servers);
    warmups = warmups == null ? List.of() : List.copyOf(warmups);
    models = List.copyOf(models);
    windows = List.copyOf(windows);
    sweep = List.copyOf(sweep);
  }

  /** One recommendation server as the run found it ({@code GET /v1/rec/config}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServerInfo(String deviceId, String endpoint, Integer workers, Integer instances, String accelerator) {}

  /**
   * One model's results: {@code policies} one per policy and round (rounds ascending, policies in
   * {@link RecSchedSpec#POLICIES} order), {@code summary} one per policy over the rounds; the ratios are of the
   * medians, null when a policy did not run or the baseline's median is 0.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelReport(String model, double slaMs, List<PolicyResult> policies, List<PolicySummary> summary,
      Double gainOverNoSplit, Double gainOverSmallBatch) {
    public ModelReport {
      policies = List.copyOf(policies);
      summary = summary == null ? List.of() : List.copyOf(summary);
    }
  }

  /**
   * One policy over the rounds: its latency-bounded QPS and chosen B per round (round order) and the median QPS.
   *
   * @param roundsSlaMet rounds in which it met the SLA at a feasible load
   */
  public record PolicySummary(String policy, List<Double> qpsPerRound, List<Integer> batchSizePerRound, double medianQps,
      int roundsSlaMet) {
    public PolicySummary {
      qpsPerRound = List.copyOf(qpsPerRound);
      batchSizePerRound = List.copyOf(batchSizePerRound);
    }

    /** The summary of a policy's results (in round order). */
    public static PolicySummary of(String policy, List<PolicyResult> rs) {
      List<Double> q = rs.stream().map(PolicyResult::qps).toList();
      return new PolicySummary(policy, q, rs.stream().map(PolicyResult::batchSize).toList(), median(q),
          (int) rs.stream().filter(r -> r.feasible() && r.slaMet()).count());
    }
  }

  /** The median (mean of the two middle values for an even count); 0 for none. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) return 0;
    List<Double> s = values.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /**
   * The warm-up of a model before its first policy: Poisson load at {@code qps} over the batch sizes the model's
   * policies use, so the servers' sessions, JIT and caches are warm for every policy alike. Not in any result or plot.
   */
  public record WarmUp(String model, long queries, long failed, double qps, List<Integer> batchSizes, double p95Ms,
      double seconds) {
    public WarmUp {
      batchSizes = List.copyOf(batchSizes);
    }
  }

  /**
   * One policy's outcome on a model in one round (1-based). {@code offloadThreshold} null = never offload. {@code qps}
   * is the latency-bounded load (0 when even the lowest grid load missed the SLA: {@code feasible} false);
   * {@code stillClimbing}: the chosen configuration's climb still raised the load in its last windows when they ran
   * out, so {@code qps} is a lower bound set by the window budget ({@code maxWindows}), not by the SLA.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PolicyResult(String policy, int round, int batchSize, Integer offloadThreshold, double qps, double p95Ms,
      double p99Ms, boolean feasible, boolean slaMet, boolean atGridTop, boolean stillClimbing, long queries, long failed, long rejected,
      List<Trial> trials) {
    public PolicyResult {
      trials = List.copyOf(trials);
    }
  }

  /** One configuration a policy measured on its way (DeepRecSched's walk: one per B, then per T). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Trial(int batchSize, Integer offloadThreshold, double qps, double p95Ms, double p99Ms, boolean feasible,
      int windows) {}

  /** One 64-query window of a tuning run (also the {@code recsched_window} point). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WindowRow(String model, String policy, int round, double atS, double qps, double p95Ms, double p99Ms, int batchSize,
      Integer offloadThreshold, int completed, int failed, int rejected) {}

  /** One point of the batch-size sweep: the static (B, no offload) configuration's latency-bounded QPS. */
  public record SweepPoint(String model, int instances, int batchSize, double qps, double p95Ms, double p99Ms,
      boolean feasible) {}
}
