package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.querysize.QuerySizeDistribution;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole loop on the discrete-event stand-in of two servers (epochs, 64-query windows, Poisson load that changes at
 * run time, JSQ): DeepRecSched against the two baselines on an FC-bound model, where batching pays.
 */
class SimulatedServersTest {
  static final RecModels.Model RMC3 = RecModels.ALL.get(2);
  static final HillClimbSettings CLIMB =
      new HillClimbSettings(RMC3.slaNs(), 1.1, new LoadGrid(1, 100_000, 20), 64, 80, 0, 10, 5);
  static final int START = CLIMB.grid().indexAtOrBelow(10);

  static RecSchedDecision.Finished run(RecScheduler s) {
    SimulatedRecServers sim = new SimulatedRecServers(RMC3.cost(), 8, false, QuerySizeDistribution.defaultDistribution(),
        new LoadBalancer(LoadBalancer.Strategy.JOIN_SHORTEST_QUEUE), 1);
    return sim.run(s, 2, 64, 10_000L * 1_000_000_000L).finished();
  }

  @Test
  void deepRecSchedBeatsBothBaselinesAndMeetsTheSla() {
    RecSchedDecision.Finished deep = run(new DeepRecSched(
        new RecSchedSettings(CLIMB, RecSchedSettings.powersOfTwo(1, 1024), List.of(), START)));
    RecSchedDecision.Finished noSplit = run(StaticScheduler.noSplitting(CLIMB, START));
    RecSchedDecision.Finished smallB = run(new StaticScheduler(RecConfig.cpuOnly(8), CLIMB, START));

    assertThat(deep.best().batchSize()).isBetween(16, 512);
    assertThat(deep.qps()).isGreaterThanOrEqualTo(noSplit.qps());
    assertThat(deep.qps()).isGreaterThan(1.5 * smallB.qps());
    for (RecSchedDecision.Finished f : List.of(deep, noSplit, smallB)) {
      assertThat(f.p95Ns()).isLessThanOrEqualTo(RMC3.slaNs());
      assertThat(f.history().get(f.history().size() - 1).result().confirmed()).isTrue();
    }
    // The batch walk is in order and stops at the first drop.
    List<Integer> walked = deep.history().stream().map(t -> t.config().batchSize()).toList();
    assertThat(walked).isSorted();
    assertThat(walked.get(walked.size() - 1)).isGreaterThan(deep.best().batchSize());
  }

  @Test
  void sameSeedSameOutcome() {
    RecScheduler a = StaticScheduler.noSplitting(CLIMB, START);
    RecScheduler b = StaticScheduler.noSplitting(CLIMB, START);
    assertThat(run(a)).isEqualTo(run(b));
  }
}
