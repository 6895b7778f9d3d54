package io.testbed.orchestrator.policy.recsched;

import java.util.ArrayList;
import java.util.List;

/**
 * The warm-up before a model's first policy: fixed load at {@code qps} over each configuration in turn (one window
 * each), so every (B, T) the policies will use has run on the servers (sessions created, JIT compiled, caches filled)
 * before anything is measured. Its windows are not results: {@link #pooled} gives the whole warm-up's latencies for the
 * record. Pure.
 */
public final class WarmUpScheduler implements RecScheduler {
  public static final String NAME = "warmup";

  private final List<RecConfig> configs;
  private final double qps;
  private final List<Long> latencies = new ArrayList<>();
  private int index = -1;
  private long epoch;
  private RecSchedDecision.Finished finished;

  /**
   * @param configs the configurations to warm, in order (one window each)
   * @param qps the warm-up load
   */
  public WarmUpScheduler(List<RecConfig> configs, double qps) {
    if (configs == null || configs.isEmpty()) throw new IllegalArgumentException("a warm-up needs at least one configuration");
    if (!(qps > 0 && Double.isFinite(qps))) throw new IllegalArgumentException("qps must be > 0");
    this.configs = List.copyOf(configs);
    this.qps = qps;
  }

  /** The distinct batch sizes of the given ones, ascending: the CPU-only configurations a warm-up walks. */
  public static List<RecConfig> cpuConfigs(List<Integer> batchSizes) {
    return batchSizes.stream().distinct().sorted().map(RecConfig::cpuOnly).toList();
  }

  @Override
  public String name() { return NAME; }

  public List<RecConfig> configs() { return configs; }

  @Override
  public RecSchedDecision start(long nowNs) {
    if (index >= 0) throw new IllegalStateException("already started");
    index = 0;
    return new RecSchedDecision.Configure(configs.get(0), qps, ++epoch);
  }

  @Override
  public RecSchedDecision onWindow(WindowStats window) {
    if (index < 0) throw new IllegalStateException("start() first");
    if (finished != null) return finished;
    latencies.addAll(window.latenciesNs());
    if (++index < configs.size()) return new RecSchedDecision.Configure(configs.get(index), qps, ++epoch);
    WindowStats all = pooled();
    finished = new RecSchedDecision.Finished(configs.get(configs.size() - 1), qps, all.p95Ns(), all.p99Ns(), List.of());
    return finished;
  }

  /** Every latency of the warm-up so far as one window (failures infinitely late). */
  public WindowStats pooled() {
    return latencies.isEmpty() ? new WindowStats(List.of(WindowStats.FAILED), 0) : new WindowStats(latencies, 0);
  }
}
