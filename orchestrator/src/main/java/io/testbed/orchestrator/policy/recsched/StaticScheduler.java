package io.testbed.orchestrator.policy.recsched;

import io.testbed.orchestrator.policy.recsched.HillClimber.Load;
import io.testbed.orchestrator.policy.recsched.HillClimber.Move;
import io.testbed.orchestrator.policy.recsched.HillClimber.Step;
import java.util.List;

/**
 * The baselines' scheduler: one fixed configuration (e.g. no splitting, B = 1024; or a fixed small B), whose
 * latency-bounded QPS is measured with the same inner loop as {@link DeepRecSched} (SYSTEMS.md section 2), so the two
 * are compared on equal terms.
 */
public final class StaticScheduler implements RecScheduler {
  public static final String NAME = "static";

  private final RecConfig config;
  private final HillClimbSettings climb;
  private final int startGridIndex;
  private HillClimber climber;
  private long epoch;
  private RecSchedDecision.Finished finished;

  public StaticScheduler(RecConfig config, HillClimbSettings climb, int startGridIndex) {
    if (config == null || climb == null) throw new IllegalArgumentException("config and climb settings are required");
    this.config = config;
    this.climb = climb;
    this.startGridIndex = climb.grid().clamp(startGridIndex);
  }

  /** No splitting: a query is one sub-request (B = 1024, the largest query), no offload. */
  public static StaticScheduler noSplitting(HillClimbSettings climb, int startGridIndex) {
    return new StaticScheduler(RecConfig.cpuOnly(1024), climb, startGridIndex);
  }

  @Override
  public String name() { return NAME; }

  public RecConfig config() { return config; }

  @Override
  public RecSchedDecision start(long nowNs) {
    if (climber != null) throw new IllegalStateException("already started");
    climber = new HillClimber(climb, startGridIndex);
    return new RecSchedDecision.Configure(config, climber.start(nowNs).qps(), ++epoch);
  }

  @Override
  public RecSchedDecision onWindow(WindowStats window) {
    if (climber == null) throw new IllegalStateException("start() first");
    if (finished != null) return finished;
    Step step = climber.onWindow(window);
    if (step instanceof Load load) {
      return load.move() == Move.HOLD ? RecSchedDecision.Hold.INSTANCE : new RecSchedDecision.SetLoad(load.qps(), ++epoch);
    }
    HillClimber.Sustainable r = ((HillClimber.Done) step).result();
    finished = new RecSchedDecision.Finished(config, r.qps(), r.p95Ns(), r.p99Ns(),
        List.of(new RecSchedDecision.Trial(config, r)));
    return finished;
  }
}
