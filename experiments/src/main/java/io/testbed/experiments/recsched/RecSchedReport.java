package io.testbed.experiments.recsched;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The result of a {@code recsched} run ({@code recsched-report.json}, also the run's {@code summary}): per model the
 * latency-bounded QPS, p95, p99 and chosen (B, T) of every policy, the ratios DeepRecSched / baseline, the per-window
 * trace of the tuning and the batch-size sweep.
 *
 * @param type always {@code recsched} (the CLI picks its table by it)
 * @param verdict {@code VALID} when DeepRecSched (or, without it, any policy) found a configuration meeting the SLA for
 *     every model, else {@code INVALID}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecSchedReport(
    String type,
    String runId,
    String name,
    String verdict,
    String error,
    List<ServerInfo> servers,
    List<ModelReport> models,
    List<WindowRow> windows,
    List<SweepPoint> sweep) {

  /** The paper's headline: DeepRecSched's latency-bounded throughput over a static configuration (SYSTEMS.md section 2). */
  public static final double PAPER_GAIN = 2.0;

  public RecSchedReport {
    servers = List.copyOf(servers);
    models = List.copyOf(models);
    windows = List.copyOf(windows);
    sweep = List.copyOf(sweep);
  }

  /** One recommendation server as the run found it ({@code GET /v1/rec/config}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServerInfo(String deviceId, String endpoint, Integer workers, Integer instances, String accelerator) {}

  /** One model's results; ratios are null when a policy did not run or the baseline scored 0. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ModelReport(String model, double slaMs, List<PolicyResult> policies, Double gainOverNoSplit,
      Double gainOverSmallBatch) {
    public ModelReport {
      policies = List.copyOf(policies);
    }
  }

  /**
   * One policy's outcome on a model. {@code offloadThreshold} null = never offload. {@code qps} is the latency-bounded
   * load (0 when even the lowest grid load missed the SLA: {@code feasible} false).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PolicyResult(String policy, int batchSize, Integer offloadThreshold, double qps, double p95Ms,
      double p99Ms, boolean feasible, boolean slaMet, boolean atGridTop, long queries, long failed, long rejected,
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
  public record WindowRow(String model, String policy, double atS, double qps, double p95Ms, double p99Ms, int batchSize,
      Integer offloadThreshold, int completed, int failed, int rejected) {}

  /** One point of the batch-size sweep: the static (B, no offload) configuration's latency-bounded QPS. */
  public record SweepPoint(String model, int instances, int batchSize, double qps, double p95Ms, double p99Ms,
      boolean feasible) {}
}
