package io.testbed.orchestrator.policy.recsched;

import java.util.List;

/**
 * What a {@link RecScheduler} tells its actor to do. {@link Configure} and {@link SetLoad} start a new load epoch:
 * the actor calls {@link P95Window#beginEpoch} with it and stamps queries issued from then on with it.
 */
public sealed interface RecSchedDecision {

  /** Push (B, T) to every recommendation server, then issue Poisson load at {@code qps}. */
  record Configure(RecConfig config, double qps, long epoch) implements RecSchedDecision {}

  /** Keep the configuration; change the Poisson rate to {@code qps}. */
  record SetLoad(double qps, long epoch) implements RecSchedDecision {}

  /** Change nothing; keep measuring. */
  enum Hold implements RecSchedDecision { INSTANCE }

  /**
   * Tuning is over: run the servers with {@code best} from now on.
   *
   * @param qps the best configuration's latency-bounded (sustainable) QPS
   * @param history every configuration tried, in order, with its inner-loop result
   */
  record Finished(RecConfig best, double qps, long p95Ns, long p99Ns, List<Trial> history) implements RecSchedDecision {
    public Finished {
      history = List.copyOf(history);
    }
  }

  /** One configuration the outer loop measured. */
  record Trial(RecConfig config, HillClimber.Sustainable result) {}
}
