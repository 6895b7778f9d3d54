package io.testbed.orchestrator.policy.autoscale;

import static io.testbed.orchestrator.policy.autoscale.SyntheticEnvironment.condition;
import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.protocol.Precision;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Q-learning on the synthetic phone finds the known best action per state (SYSTEMS.md section 1). */
class ConvergenceTest {
  static final AutoScaleSettings SETTINGS = AutoScaleSettings.defaults()
      .withObjective(new AutoScaleSettings.Objective(50, 0.70, 10, 20, true));
  static final AutoScaleSettings.Objective O = SETTINGS.objective();
  static final StateDiscretiser D = new StateDiscretiser(SETTINGS.bins());
  static final ActionSpace SPACE = AutoScaleFixtures.phoneSpace(
      AccuracyMask.byPrecision(Map.of(Precision.FP32, SyntheticEnvironment.FP32_ACCURACY,
          Precision.INT8, SyntheticEnvironment.INT8_ACCURACY), O.accuracyTarget()));

  // edge regular -> edge; edge weak & cloud regular -> cloud; both weak -> gpu; under heavy load too.
  static final List<Observation.Condition> CONDITIONS = List.of(
      condition(0, -60, -60), condition(0, -90, -60), condition(0, -90, -90),
      condition(0.9, -60, -60), condition(0.9, -90, -60), condition(0.9, -90, -90));

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void learnsTheKnownBestActionOfEveryStateWithinAFewHundredRequests(long seed) {
    SyntheticEnvironment env = new SyntheticEnvironment(30, 0.05, seed);
    assertThat(SyntheticEnvironment.actions().stream().map(Action::id).toList()).isEqualTo(SPACE.ids());
    for (Observation.Condition c : CONDITIONS) {
      List<Double> r = env.rewardsDescending(c, SPACE, O);
      assertThat(r.get(1) / r.get(0)).as("best beats the runner-up by 20%%+ under %s", c.name()).isGreaterThan(1.2);
    }
    QLearner learner = QLearner.fresh(SETTINGS, SPACE, new QTable.Id("phone-1", "mobilenet"), new SplittableRandom(seed));
    // 50 requests per condition, conditions interleaved in blocks: 300 requests in all, each state visited 50 times.
    List<Observation.Condition> trace = TraceRunner.segments(50, CONDITIONS.toArray(Observation.Condition[]::new));
    Oracle oracle = new Oracle(env.profile(CONDITIONS, SPACE), O);
    TraceRunner.learner("autoscale", learner, D, AutoScaleFixtures.MOBILENET, trace, env, oracle, O);
    for (Observation.Condition c : CONDITIONS) {
      StateKey s = D.key(new Observation(AutoScaleFixtures.MOBILENET, c), SPACE.links());
      assertThat(learner.greedy(s)).as(c.name()).isEqualTo(env.best(c, SPACE, O));
      assertThat(learner.greedy(s).id()).isEqualTo(oracle.choose(c).actionId());
    }
    assertThat(CONDITIONS.stream().map(c -> env.best(c, SPACE, O).id()).distinct())
        .containsExactlyInAnyOrder("edge:edge-1", "cloud:cloud-1", "gpu");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void whenTheCloudLinkWeakensTheChoiceLeavesTheCloudAndComesBackWhenItRecovers(long seed) {
    SyntheticEnvironment env = new SyntheticEnvironment(30, 0.05, seed);
    Observation.Condition good = condition(0, -90, -60);
    Observation.Condition weak = condition(0, -90, -95);
    List<Observation.Condition> trace = TraceRunner.segments(150, good, weak, good);
    QLearner learner = QLearner.fresh(SETTINGS, SPACE, new QTable.Id("phone-1", "mobilenet"), new SplittableRandom(seed));
    Oracle oracle = new Oracle(env.profile(List.of(good, weak), SPACE), O);
    List<RequestRecord> records =
        TraceRunner.learner("autoscale", learner, D, AutoScaleFixtures.MOBILENET, trace, env, oracle, O);
    // The last 50 requests of each phase: mostly the phase's best (epsilon 0.1 explores the rest).
    assertThat(share(records.subList(100, 150), "cloud:cloud-1")).isGreaterThanOrEqualTo(0.8);
    assertThat(share(records.subList(250, 300), "gpu")).isGreaterThanOrEqualTo(0.8);
    assertThat(share(records.subList(250, 300), "cloud:cloud-1")).isLessThanOrEqualTo(0.1);
    assertThat(share(records.subList(400, 450), "cloud:cloud-1")).isGreaterThanOrEqualTo(0.8);
    // Converges from the start, and again after the drop, within the criterion's window plus the first tries.
    ConvergenceCriterion c = ConvergenceCriterion.defaults();
    assertThat(c.requestsToConverge(records, 0).orElse(Integer.MAX_VALUE)).isLessThanOrEqualTo(60);
    assertThat(c.requestsToConverge(records, 150).orElse(Integer.MAX_VALUE)).isLessThanOrEqualTo(60);
    // The recovered state's Q-row was kept: back to the cloud within the first window.
    assertThat(c.requestsToConverge(records, 300).orElse(Integer.MAX_VALUE)).isLessThanOrEqualTo(25);
  }

  private static double share(List<RequestRecord> rs, String actionId) {
    return rs.stream().filter(r -> r.actionId().equals(actionId)).count() / (double) rs.size();
  }
}
