package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.protocol.Precision;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QLearnerTest {
  static final StateKey S = new StateKey(0, 0, 0, 0, 0, 0, List.of());
  static final StateKey S2 = new StateKey(0, 0, 0, 0, 1, 0, List.of());
  static final QTable.Id ID = new QTable.Id("phone-1", "mobilenet");

  static AutoScaleSettings settings(double epsilon, boolean mask) {
    AutoScaleSettings d = AutoScaleSettings.defaults();
    return d.withLearning(new AutoScaleSettings.Learning(0.9, 0.1, epsilon, 1, 0, 0))
        .withObjective(new AutoScaleSettings.Objective(50, 0.70, 10, 20, mask));
  }

  static ActionSpace space() {
    return AutoScaleFixtures.phoneSpace(AccuracyMask.byPrecision(Map.of(Precision.INT8, 0.68), 0.70));
  }

  @ParameterizedTest(name = "Q {0}, r {1}, max Q(s') {2} -> {3}")
  @CsvSource({
      "0, -1, 0, -0.9",            // 0 + 0.9 (-1 + 0.1*0 - 0)
      "-1, -1, -1, -1.09",         // -1 + 0.9 (-1 - 0.1 + 1)
      "-0.5, -0.2, -2, -0.41",     // -0.5 + 0.9 (-0.2 - 0.2 + 0.5)
      "-2, 0, 0, -0.2"})
  void updateIsTheQLearningRule(double q0, double r, double nextMax, double expected) {
    ActionSpace space = space();
    QLearner l = QLearner.fresh(settings(0, true), space, ID, new SplittableRandom(1));
    int gpu = space.indexOf("gpu");
    // bring Q(S, gpu) to q0 and every allowed Q(S2, .) to nextMax with alpha-free setup: alpha = 1 learners
    QLearner setup = new QLearner(AutoScaleSettings.defaults().withLearning(
        new AutoScaleSettings.Learning(1, 0, 0, 1, 0, 0)), space, l.table(), new SplittableRandom(1));
    setup.update(S, gpu, q0, null);
    for (int i = 0; i < space.size(); i++) setup.update(S2, i, nextMax, null);
    l = new QLearner(settings(0, true), space, setup.table(), new SplittableRandom(1));
    l.update(S, gpu, r, S2);
    assertThat(l.table().q(S, "gpu", 0)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void noNextStateDropsTheBootstrapTerm() {
    QLearner l = QLearner.fresh(settings(0, true), space(), ID, new SplittableRandom(1));
    l.update(S, 0, -1, null);
    assertThat(l.table().q(S, "cpu@600", 0)).isCloseTo(-0.9, within(1e-12));
    assertThat(l.table().updates()).isEqualTo(1);
  }

  @Test
  void greedyTakesTheGreatestQAndUnseenActionsAreOptimistic() {
    ActionSpace space = space();
    QLearner l = QLearner.fresh(settings(0, true), space, ID, new SplittableRandom(7));
    Set<String> firstTries = new HashSet<>();
    // Every allowed action is worth 0 until tried, so a greedy learner tries each once.
    for (int i = 0; i < space.size() - 1; i++) {
      Decision d = l.decide(S);
      assertThat(d.explored()).isFalse();
      firstTries.add(d.action().id());
      l.update(S, d.action(), d.action().id().equals("edge:edge-1") ? -0.1 : -1, S);
    }
    assertThat(firstTries).hasSize(space.size() - 1).doesNotContain("dsp");
    for (int i = 0; i < 20; i++) {
      Decision d = l.decide(S);
      assertThat(d.action().id()).isEqualTo("edge:edge-1");
      assertThat(d.qValues()).hasSize(space.size());
      l.update(S, d.action(), -0.1, S);
    }
  }

  @Test
  void maskedAndUnavailableActionsAreNeverChosenEvenWhenExploring() {
    ActionSpace space = space();
    QLearner l = QLearner.fresh(settings(1.0, true), space, ID, new SplittableRandom(3));
    ActionSpace noCloud = space.withUnavailable(List.of("cloud-1"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Decision d = l.decide(S, noCloud);
      assertThat(d.explored()).isTrue();
      seen.add(d.action().id());
    }
    assertThat(seen).containsExactlyInAnyOrder("cpu@600", "cpu@1200", "cpu@1800", "gpu", "edge:edge-1");
  }

  @Test
  void withoutMaskingTheInaccurateActionIsAChoiceToo() {
    QLearner l = QLearner.fresh(settings(1.0, false), space(), ID, new SplittableRandom(3));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) seen.add(l.decide(S).action().id());
    assertThat(seen).contains("dsp").hasSize(7);
  }

  @Test
  void explorationShareIsAboutEpsilonAndASeedFixesEveryChoice() {
    QLearner a = QLearner.fresh(settings(0.1, true), space(), ID, new SplittableRandom(42));
    QLearner b = QLearner.fresh(settings(0.1, true), space(), ID, new SplittableRandom(42));
    int explored = 0;
    for (int i = 0; i < 10_000; i++) {
      Decision da = a.decide(S);
      assertThat(b.decide(S)).isEqualTo(da);
      if (da.explored()) explored++;
    }
    assertThat(explored).isBetween(900, 1100);
  }

  @Test
  void epsilonDecaysPerUpdateToItsFloorAndResumesFromTheTablesCount() {
    AutoScaleSettings s = settings(0.1, true).withLearning(new AutoScaleSettings.Learning(0.9, 0.1, 0.1, 0.5, 0.02, 0));
    QLearner l = QLearner.fresh(s, space(), ID, new SplittableRandom(1));
    l.update(S, 0, -1, S);
    assertThat(l.epsilon()).isCloseTo(0.05, within(1e-12));
    l.update(S, 0, -1, S);
    l.update(S, 0, -1, S);
    assertThat(l.epsilon()).isCloseTo(0.02, within(1e-12));
    QLearner resumed = new QLearner(s, space(), l.table().copy(), new SplittableRandom(1));
    assertThat(resumed.epsilon()).isCloseTo(0.02, within(1e-12));
    QLearner afterOne = new QLearner(s.withLearning(new AutoScaleSettings.Learning(0.9, 0.1, 0.1, 0.5, 0, 0)),
        space(), QTable.restore(ID, s.bins().signature(), space().ids(), Map.of(), 1), new SplittableRandom(1));
    assertThat(afterOne.epsilon()).isCloseTo(0.05, within(1e-12));
  }

  @Test
  void aTableForOtherActionsIsRemappedByIdAndOneForOtherBinsRefused() {
    ActionSpace space = space();
    QTable old = QTable.restore(ID, AutoScaleSettings.defaults().bins().signature(), List.of("gpu", "edge:gone"),
        Map.of(S, new double[] {-0.3, -0.1}), 5);
    QLearner l = new QLearner(settings(0, true), space, old, new SplittableRandom(1));
    assertThat(l.table().actionIds()).isEqualTo(space.ids());
    assertThat(l.table().q(S, "gpu", 0)).isEqualTo(-0.3);
    assertThat(l.table().q(S, "cpu@600", 0)).isEqualTo(0.0);
    assertThat(l.table().updates()).isEqualTo(5);
    QTable otherBins = QTable.empty(ID, "conv:<10", space.ids());
    assertThatThrownBy(() -> new QLearner(settings(0, true), space, otherBins, new SplittableRandom(1)))
        .hasMessageContaining("learned under other bins");
  }

  @Test
  void refusals() {
    QLearner l = QLearner.fresh(settings(0, true), space(), ID, new SplittableRandom(1));
    assertThatThrownBy(() -> l.update(S, 99, -1, S)).hasMessageContaining("actionIndex 99");
    assertThatThrownBy(() -> l.update(S, 0, Double.NaN, S)).hasMessageContaining("reward must be finite");
    ActionSpace other = ActionSpace.of(List.of(new Action.Edge("x", Precision.FP32)), AccuracyMask.none());
    assertThatThrownBy(() -> l.decide(S, other)).hasMessageContaining("are not the learner's");
    ActionSpace nothing = space().withUnavailable(space().ids());
    assertThatThrownBy(() -> l.decide(S, nothing)).isInstanceOf(IllegalStateException.class);
  }
}
