package io.testbed.inference.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.inference.InferenceException;
import io.testbed.inference.ThreadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every recommendation model at a tiny scale on real ONNX Runtime sessions. */
class RecEngineTest {
  /** Every table at the row floor (or its paper size when smaller): fast to build and run. */
  static final double TINY = 1e-7;
  private static final Map<String, RecModel> MODELS = new ConcurrentHashMap<>();
  private static final RecEngine ENGINE = new RecEngine(ThreadSettings.single());

  static RecModel tiny(String name) { return MODELS.computeIfAbsent(name, n -> RecModels.build(n, TINY)); }

  static List<String> names() { return RecModels.names(); }

  @AfterAll
  static void close() { ENGINE.close(); }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void runsAtBatch1And8WithTheRightOutputs(String name) throws Exception {
    RecModel m = tiny(name);
    for (int items : new int[] {1, 8}) {
      RecOutput out = ENGINE.run(m, RecInputs.uniform(m, 7).batch(items, 1));
      assertThat(out.shape()).containsExactly(items, m.outputsPerItem());
      assertThat(out.computeMs()).isPositive();
      for (float v : out.values()) assertThat(v).isBetween(0f, 1f);
      if (m.config().architecture() == RecModelConfig.Architecture.DIN || m.config().architecture() == RecModelConfig.Architecture.DIEN) {
        for (int i = 0; i < items; i++) assertThat(out.value(i, 0) + out.value(i, 1)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
    int expected = switch (name) {
      case "mt-wnd" -> 2;
      case "din", "dien" -> 2;
      default -> 1;
    };
    assertThat(m.outputsPerItem()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void outputsDependOnTheInputAndRepeat(String name) throws Exception {
    RecModel m = tiny(name);
    RecBatch a = RecInputs.uniform(m, 7).batch(16, 1);
    RecOutput first = ENGINE.run(m, a);
    assertThat(ENGINE.run(m, a).values()).containsExactly(first.values());
    assertThat(ENGINE.run(m, a).digest()).isEqualTo(first.digest());
    // items differ from one another: the model reads its inputs
    float[] v = first.values();
    long distinct = new java.util.HashSet<>(java.util.stream.IntStream.range(0, 16).mapToObj(i -> v[i * m.outputsPerItem()]).toList()).size();
    assertThat(distinct).isGreaterThan(8);
    assertThat(ENGINE.run(m, RecInputs.uniform(m, 8).batch(16, 1)).digest()).isNotEqualTo(first.digest());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void theSameSeedBuildsTheSameBytesAnotherSeedOtherWeights(String name) throws Exception {
    RecModel a = tiny(name);
    RecModel b = RecModels.build(name, TINY);
    assertThat(b.key()).isEqualTo(a.key());
    assertThat(b.onnx()).isEqualTo(a.onnx());
    RecModel c = RecModels.build(name, TINY, a.seed() + 1);
    assertThat(c.onnx()).isNotEqualTo(a.onnx());
    RecBatch q = RecInputs.uniform(a, 3).batch(4, 0);
    try (RecEngine other = new RecEngine(ThreadSettings.single())) {
      assertThat(other.run(b, q).values()).containsExactly(ENGINE.run(a, q).values());
      assertThat(other.run(c, q).digest()).isNotEqualTo(ENGINE.run(a, q).digest());
    }
  }

  /** The server splits a query of N items into sub-requests of B items: merged outputs equal the whole query's. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void subRequestsMergeToTheWholeQuery(String name) throws Exception {
    RecModel m = tiny(name);
    for (int[] nb : new int[][] {{37, 8}, {64, 16}, {20, 1}, {33, 32}, {5, 5}}) {
      RecBatch query = RecInputs.powerLaw(m, IndexDistribution.ALPHA_MEDIUM, 11).batch(nb[0], nb[1]);
      RecOutput whole = ENGINE.run(m, query);
      RecOutput merged = ENGINE.runSplit(m, query, nb[1]);
      List<RecOutput> parts = new ArrayList<>();
      for (RecBatch p : query.split(nb[1])) parts.add(ENGINE.run(m, p));
      assertThat(parts).hasSize((nb[0] + nb[1] - 1) / nb[1]);
      assertThat(RecOutput.concat(parts).items()).isEqualTo(nb[0]);
      assertThat(merged.maxAbsDifference(whole)).as("N=%d B=%d", nb[0], nb[1]).isLessThanOrEqualTo(1e-6);
      assertThat(RecOutput.concat(parts).maxAbsDifference(whole)).isLessThanOrEqualTo(1e-6);
    }
  }

  @Test
  void checksTheBatchLayoutAndRowIds() {
    RecModel rmc1 = tiny("dlrm-rmc1");
    RecModel ncf = tiny("ncf");
    assertThatThrownBy(() -> ENGINE.run(rmc1, RecInputs.uniform(ncf, 1).batch(2, 0)))
        .isInstanceOf(InferenceException.class)
        .hasMessage("model 'dlrm-rmc1' expects dense 128, 8 tables x 80 lookups per item, the batch has dense 0, 4 tables x 1 lookups");
    long[] idx = RecInputs.uniform(ncf, 1).batch(2, 0).indices();
    idx[1 * 4 + 2] = 28_000; // item 1, table 2: ncf's tables have 1000 rows at this scale
    RecBatch bad = new RecBatch(2, 0, 4, 1, new float[0], idx);
    assertThatThrownBy(() -> ENGINE.run(ncf, bad)).isInstanceOf(InferenceException.class)
        .hasMessage("model 'ncf' table 2 has 1000 rows; item 1 lookup 0 asks for row 28000");
  }

  @Test
  void concurrentRunsShareOneSessionAndAgree() throws Exception {
    RecModel m = tiny("dlrm-rmc2");
    try (RecEngine engine = new RecEngine(ThreadSettings.single())) {
      RecBatch q = RecInputs.uniform(m, 5).batch(8, 2);
      String expected = engine.run(m, q).digest();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<String>> f = new ArrayList<>();
        for (int i = 0; i < 16; i++) f.add(pool.submit(() -> engine.run(m, q).digest()));
        for (Future<String> d : f) assertThat(d.get()).isEqualTo(expected);
      } finally {
        pool.shutdown();
      }
      assertThat(engine.sessionCount()).isEqualTo(1);
      engine.warmUp(tiny("ncf"));
      assertThat(engine.sessionCount()).isEqualTo(2);
      engine.close();
      assertThatThrownBy(() -> engine.run(m, q)).isInstanceOf(IllegalStateException.class);
    }
  }
}
