package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.orchestrator.policy.recsched.RecSchedDecision.Configure;
import io.testbed.orchestrator.policy.recsched.RecSchedDecision.Finished;
import io.testbed.orchestrator.policy.recsched.RecSchedDecision.Trial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DeepRecSchedTest {
  static final long MS = 1_000_000;
  static final LoadGrid GRID = new LoadGrid(10, 100_000, 20);
  static final HillClimbSettings CLIMB = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 60, 0, 10, 0);
  static final List<Integer> BATCHES = RecSchedSettings.powersOfTwo(1, 1024);
  static final List<Integer> THRESHOLDS = List.of(1024, 512, 256, 128, 64, 32, 16, 8);
  static final int N = RecConfig.NO_OFFLOAD;

  static Map<Integer, Double> capacities(double... perBatch) {
    Map<Integer, Double> m = new HashMap<>();
    for (int i = 0; i < perBatch.length; i++) m.put(BATCHES.get(i), perBatch[i]);
    return m;
  }

  static Map<Integer, Double> gains(double... perThreshold) {
    Map<Integer, Double> m = new HashMap<>();
    for (int i = 0; i < perThreshold.length; i++) m.put(THRESHOLDS.get(i), perThreshold[i]);
    return m;
  }

  /** Synthetic models with a known optimum, and the configurations the walk must visit, in order. */
  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("interior optimum B*=64, T*=256",
            new AnalyticModel(10 * MS, capacities(200, 300, 420, 560, 700, 820, 1000, 800, 600, 450, 300),
                gains(1.0, 1.1, 1.6, 1.3, 1.2, 0.8, 0.5, 0.3)),
            THRESHOLDS, new RecConfig(64, 256),
            List.of("B=1,T=none", "B=2,T=none", "B=4,T=none", "B=8,T=none", "B=16,T=none", "B=32,T=none",
                "B=64,T=none", "B=128,T=none", "B=64,T=1024", "B=64,T=512", "B=64,T=256", "B=64,T=128")),
        Arguments.of("FC-bound: largest batch, accelerator never helps",
            new AnalyticModel(10 * MS, capacities(100, 150, 200, 260, 330, 400, 480, 560, 640, 720, 800),
                gains(0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3)),
            THRESHOLDS, new RecConfig(1024, N),
            List.of("B=1,T=none", "B=2,T=none", "B=4,T=none", "B=8,T=none", "B=16,T=none", "B=32,T=none",
                "B=64,T=none", "B=128,T=none", "B=256,T=none", "B=512,T=none", "B=1024,T=none", "B=1024,T=1024")),
        Arguments.of("embedding-bound: B=1, offload everything of >= 8",
            new AnalyticModel(10 * MS, capacities(900, 700, 500, 400, 300, 250, 200, 150, 120, 100, 80),
                gains(1.1, 1.3, 1.5, 1.7, 2.0, 2.3, 2.6, 3.0)),
            THRESHOLDS, new RecConfig(1, 8),
            List.of("B=1,T=none", "B=2,T=none", "B=1,T=1024", "B=1,T=512", "B=1,T=256", "B=1,T=128", "B=1,T=64",
                "B=1,T=32", "B=1,T=16", "B=1,T=8")),
        Arguments.of("plateau at B=2..4 is walked across to B=8; no accelerator",
            new AnalyticModel(10 * MS, capacities(400, 500, 500, 900, 600, 500, 400, 300, 200, 150, 100), Map.of()),
            List.of(), new RecConfig(8, N),
            List.of("B=1,T=none", "B=2,T=none", "B=4,T=none", "B=8,T=none", "B=16,T=none")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void hillClimbingFindsTheKnownBestConfiguration(String name, AnalyticModel model, List<Integer> thresholds,
      RecConfig best, List<String> walk) {
    DeepRecSched sched = new DeepRecSched(new RecSchedSettings(CLIMB, BATCHES, thresholds, 0));
    Finished f = model.run(sched, 10_000);
    assertThat(f.best()).isEqualTo(best);
    assertThat(f.history()).extracting(t -> t.config().toString()).isEqualTo(walk);
    // The chosen configuration's QPS is the grid load its hill climb must settle at, and no tried one beats it.
    assertThat(f.qps()).isEqualTo(GRID.qpsAt(model.bestIndex(best, CLIMB)));
    for (Trial t : f.history()) {
      assertThat(t.result().gridIndex()).as("settled load of %s", t.config()).isEqualTo(model.bestIndex(t.config(), CLIMB));
      assertThat(t.result().qps()).isLessThanOrEqualTo(f.qps());
    }
    assertThat(f.p95Ns()).isLessThanOrEqualTo(model.p95Ns(best, GRID.qpsAt(model.bestIndex(best, CLIMB) + 1)));
  }

  @Test
  void theWalkFindsTheGlobalOptimumOfAUnimodalModel() {
    AnalyticModel m = (AnalyticModel) models().findFirst().orElseThrow().get()[1];
    RecConfig argmax = null;
    int bestIdx = -1;
    for (int b : BATCHES) {
      for (int t : Stream.concat(Stream.of(N), THRESHOLDS.stream()).toList()) {
        int idx = m.bestIndex(new RecConfig(b, t), CLIMB);
        if (idx > bestIdx) {
          bestIdx = idx;
          argmax = new RecConfig(b, t);
        }
      }
    }
    assertThat(argmax).isEqualTo(new RecConfig(64, 256));
  }

  @Test
  void everyLoadChangeStartsANewEpochAndLaterClimbsStartWarm() {
    AnalyticModel m = (AnalyticModel) models().findFirst().orElseThrow().get()[1];
    DeepRecSched sched = new DeepRecSched(new RecSchedSettings(CLIMB, BATCHES, THRESHOLDS, 5));
    List<RecSchedDecision> decisions = new ArrayList<>();
    RecSchedDecision d = sched.start(0);
    decisions.add(d);
    RecConfig cfg = ((Configure) d).config();
    double qps = ((Configure) d).qps();
    assertThat(qps).isEqualTo(GRID.qpsAt(5));
    long now = 0;
    while (!(d instanceof Finished)) {
      now += 1_000_000_000L;
      d = sched.onWindow(m.window(cfg, qps, now));
      decisions.add(d);
      if (d instanceof Configure c) {
        cfg = c.config();
        qps = c.qps();
      } else if (d instanceof RecSchedDecision.SetLoad l) {
        qps = l.qps();
      }
    }
    long last = 0;
    List<Configure> configures = new ArrayList<>();
    for (RecSchedDecision x : decisions) {
      long e = x instanceof Configure c ? c.epoch() : x instanceof RecSchedDecision.SetLoad l ? l.epoch() : -1;
      if (e >= 0) {
        assertThat(e).isEqualTo(last + 1);
        last = e;
      }
      if (x instanceof Configure c) configures.add(c);
    }
    List<Trial> h = ((Finished) d).history();
    assertThat(configures).hasSize(h.size());
    for (int i = 1; i < configures.size(); i++) {
      assertThat(configures.get(i).qps()).as("warm start of %s", configures.get(i).config())
          .isEqualTo(h.get(i - 1).result().qps());
    }
    assertThat(sched.onWindow(m.window(cfg, qps, now + 1))).isSameAs(d);
  }

  @Test
  void sameInputsSameDecisions() {
    AnalyticModel m = (AnalyticModel) models().findFirst().orElseThrow().get()[1];
    Finished a = m.run(new DeepRecSched(new RecSchedSettings(CLIMB, BATCHES, THRESHOLDS, 0)), 10_000);
    Finished b = m.run(new DeepRecSched(new RecSchedSettings(CLIMB, BATCHES, THRESHOLDS, 0)), 10_000);
    assertThat(a).isEqualTo(b);
  }

  @Test
  void staticSchedulerMeasuresItsOneConfigurationWithTheSameInnerLoop() {
    AnalyticModel m = (AnalyticModel) models().findFirst().orElseThrow().get()[1];
    record Case(StaticScheduler s, RecConfig config) {}
    for (Case c : List.of(new Case(StaticScheduler.noSplitting(CLIMB, 0), RecConfig.cpuOnly(1024)),
        new Case(new StaticScheduler(RecConfig.cpuOnly(4), CLIMB, 0), RecConfig.cpuOnly(4)),
        new Case(new StaticScheduler(new RecConfig(64, 256), CLIMB, 0), new RecConfig(64, 256)))) {
      Finished f = m.run(c.s(), 1_000);
      assertThat(f.best()).isEqualTo(c.config());
      assertThat(f.history()).hasSize(1);
      assertThat(f.qps()).isEqualTo(GRID.qpsAt(m.bestIndex(c.config(), CLIMB)));
    }
    // DeepRecSched's pick beats both baselines on this model: 2x over no-splitting, as the paper's headline.
    Finished deep = m.run(new DeepRecSched(new RecSchedSettings(CLIMB, BATCHES, THRESHOLDS, 0)), 10_000);
    Finished noSplit = m.run(StaticScheduler.noSplitting(CLIMB, 0), 1_000);
    assertThat(deep.qps() / noSplit.qps()).isGreaterThan(2);
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new RecSchedSettings(CLIMB, List.of(), THRESHOLDS, 0)).hasMessageContaining("batchSizes");
    assertThatThrownBy(() -> new RecSchedSettings(CLIMB, List.of(4, 2), THRESHOLDS, 0)).hasMessageContaining("ascending");
    assertThatThrownBy(() -> new RecSchedSettings(CLIMB, BATCHES, List.of(8, 8), 0)).hasMessageContaining("duplicate");
    assertThatThrownBy(() -> new RecSchedSettings(CLIMB, BATCHES, THRESHOLDS, 999)).hasMessageContaining("startGridIndex");
    assertThat(RecSchedSettings.powersOfTwo(1, 1024)).hasSize(11).startsWith(1, 2, 4).endsWith(1024);
    assertThat(RecSchedSettings.powersOfTwo(3, 40)).containsExactly(4, 8, 16, 32);
  }
}
