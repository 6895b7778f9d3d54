package io.testbed.orchestrator.policy.autoscale;

import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmarks' learner: the phone's 7 actions, 64 states (2 models x 4 CPU bins x 2 x 2 RSSI bins x 2 memory
 * bins), every state already visited, default hyper-parameters; states are visited in a seeded random order.
 */
final class BenchFixture {
  final QLearner learner;
  final StateKey[] states;
  final double[] rewards;
  private int i;

  BenchFixture() {
    AutoScaleSettings s = AutoScaleSettings.defaults().withObjective(new AutoScaleSettings.Objective(50, 0.7, 10, 20, true));
    ActionSpace space = AutoScaleFixtures.phoneSpace(AccuracyMask.byPrecision(Map.of(Precision.INT8, 0.68), 0.7));
    StateDiscretiser d = new StateDiscretiser(s.bins());
    List<StateKey> keys = new ArrayList<>();
    for (ModelFeatures f : List.of(AutoScaleFixtures.MOBILENET, AutoScaleFixtures.RESNET)) {
      for (double cpu : new double[] {0, 0.1, 0.5, 0.9}) {
        for (double mem : new double[] {0, 0.5}) {
          for (double edge : new double[] {-60, -90}) {
            for (double cloud : new double[] {-60, -90}) {
              keys.add(d.key(Observation.of(f, cpu, mem, Map.of("edge-1", edge, "cloud-1", cloud)), space.links()));
            }
          }
        }
      }
    }
    SplittableRandom r = new SplittableRandom(7);
    learner = QLearner.fresh(s, space, new QTable.Id("phone-1", "bench"), new SplittableRandom(1));
    int n = 1 << 16;
    states = new StateKey[n];
    rewards = new double[n];
    for (int k = 0; k < n; k++) {
      states[k] = keys.get(r.nextInt(keys.size()));
      rewards[k] = -0.01 - 0.1 * r.nextDouble();
    }
    for (int k = 0; k < 10_000; k++) step();
  }

  /** One request: decide in the current state, update with the next state as s'. */
  Decision step() {
    int k = i;
    i = (i + 1) & (states.length - 1);
    Decision dec = learner.decide(states[k]);
    learner.update(states[k], dec.actionIndex(), rewards[k], states[i]);
    return dec;
  }
}
