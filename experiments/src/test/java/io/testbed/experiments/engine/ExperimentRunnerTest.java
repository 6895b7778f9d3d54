package io.testbed.experiments.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.analysis.SummaryOptions;
import io.testbed.experiments.bundle.BundleContents;
import io.testbed.experiments.loadgen.LoadGenListener;
import io.testbed.experiments.loadgen.QueryOutcome;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.VirtualTicker;
import io.testbed.experiments.spec.DeviceSelector;
import io.testbed.experiments.spec.ExperimentPlan;
import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.experiments.spec.PolicySpec;
import io.testbed.experiments.spec.RepetitionSpec;
import io.testbed.experiments.spec.ScenarioSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentRunnerTest {
  private static final long MS = 1_000_000L;

  private static ExperimentPlan plan(int repetitions) {
    ScenarioSpec sc = new ScenarioSpec(Scenario.SINGLE_STREAM, null, null, null, null, null, 1000L, 100L, null, null,
        null, null, null, null, null, null);
    return ExperimentPlan.of(new ExperimentSpec("runner", "inference", List.of(DeviceSelector.byId("phone-1")),
        List.of("mobilenet"), null, PolicySpec.fixed("cpu"), sc, new RepetitionSpec(repetitions, null, 100L), null,
        null, null));
  }

  @Test
  void runsEveryRepetitionWithItsOwnSeedAndAggregates() throws Exception {
    VirtualTicker ticker = new VirtualTicker();
    ExperimentRunner runner = new ExperimentRunner(ticker, LoadGenListener.NONE);
    ExperimentPlan plan = plan(5);
    BundleContents c = runner.run("r", plan, List.of(), SummaryOptions.named("sim"),
        rep -> (q, done) -> ticker.scheduleAfter((rep.index() + 1) * MS, () -> done.complete(QueryOutcome.ok("p", "cpu"))),
        (rep, e) -> { });
    assertThat(c.seeds()).containsExactly(100L, 101L, 102L, 103L, 104L);
    assertThat(c.repetitions()).extracting(r -> r.summary().metricValue())
        .containsExactly(2.0 * MS, 3.0 * MS, 4.0 * MS, 5.0 * MS, 6.0 * MS);
    assertThat(c.aggregate().dropped()).containsExactly(1, 5);
    assertThat(c.aggregate().mean()).isEqualTo(4.0 * MS);
    assertThat(c.aggregate().result()).isEqualTo("VALID");
  }

  @Test
  void cancelAbortsTheCurrentRepetitionAndSkipsTheRest() throws Exception {
    VirtualTicker ticker = new VirtualTicker();
    ExperimentRunner runner = new ExperimentRunner(ticker, LoadGenListener.NONE);
    BundleContents c = runner.run("r", plan(4), List.of(), SummaryOptions.named("sim"), rep -> (q, done) -> {
      if (rep.index() == 2 && q.id() == 10) runner.cancel("device phone-1 lost");
      ticker.scheduleAfter(MS, () -> done.complete(QueryOutcome.ok("p", "cpu")));
    }, (rep, e) -> { });
    assertThat(c.repetitions()).hasSize(2);
    assertThat(c.repetitions().get(0).summary().result()).isEqualTo("VALID");
    assertThat(c.repetitions().get(1).summary().abortReason()).isEqualTo("device phone-1 lost");
    assertThat(c.repetitions().get(1).records()).hasSize(11);
    assertThat(c.aggregate().result()).isEqualTo("INVALID");
  }
}
