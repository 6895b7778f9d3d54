package io.testbed.experiments.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.loadgen.TestMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentPlanTest {

  @Test
  void appliesTheDocumentedDefaults() throws Exception {
    ExperimentPlan plan = ExperimentPlan.of(SpecJson.parse(Path.of("examples/inference-offload.json")).spec());
    assertThat(plan.seeds()).containsExactly(7L);
    LoadGenSettings s = plan.repetitions().get(0).settings();
    assertThat(s.scenario()).isEqualTo(Scenario.SINGLE_STREAM);
    assertThat(s.mode()).isEqualTo(TestMode.PERFORMANCE);
    assertThat(s.targetLatencyPercentile()).isEqualTo(0.90);
    assertThat(s.samplesPerQuery()).isEqualTo(1);
    assertThat(s.minQueryCount()).isEqualTo(256);
    assertThat(s.maxDurationNs()).isZero();
    assertThat(s.queryTimeoutNs()).isEqualTo(30_000_000_000L);
    assertThat(s.maxFailedFraction()).isEqualTo(0.01);
    assertThat(s.confidence()).isEqualTo(0.99);
    assertThat(plan.qosLatencyNs()).isEqualTo(150_000_000L);
    assertThat(plan.onDeviceLoss()).isEqualTo(ExperimentSpec.OnDeviceLoss.ABORT);
  }

  @Test
  void seedsComeFromTheSpecOrFromTheBaseSeed() {
    assertThat(ExperimentPlan.seeds(new RepetitionSpec(3, null, 42L))).containsExactly(42L, 43L, 44L);
    assertThat(ExperimentPlan.seeds(new RepetitionSpec(null, List.of(5L, 9L), null))).containsExactly(5L, 9L);
    assertThat(ExperimentPlan.seeds(null)).containsExactly(1L);
  }

  @Test
  void eachRepetitionGetsItsOwnSchedule() throws Exception {
    ExperimentPlan plan = ExperimentPlan.of(SpecJson.parse(Path.of("examples/inference-server.json")).spec());
    assertThat(plan.repetitions()).hasSize(3);
    assertThat(plan.repetitions()).extracting(r -> r.settings().scheduleSeed()).doesNotHaveDuplicates();
    assertThat(plan.repetitions().get(0).settings().minQueryCount()).isEqualTo(500);
    assertThat(plan.repetitions().get(0).settings().latencyBoundNs()).isEqualTo(100_000_000L);
    assertThat(ExperimentPlan.settings(plan.spec().scenario(), 11)).isEqualTo(plan.repetitions().get(0).settings());
  }

  @Test
  void refusesAnInvalidSpecListingItsProblems() {
    ExperimentSpec bad = new ExperimentSpec("x", "inference", List.of(), List.of("m"), null, PolicySpec.fixed("cpu"),
        ScenarioSpec.of(Scenario.OFFLINE), null, null, null, null);
    assertThatThrownBy(() -> ExperimentPlan.of(bad)).isInstanceOf(InvalidSpecException.class)
        .satisfies(e -> assertThat(((InvalidSpecException) e).problems())
            .containsExactly(new SpecProblem("devices", "must not be empty")));
  }
}
