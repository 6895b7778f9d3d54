package io.testbed.inference.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.inference.rec.RecModelConfig.Architecture;
import io.testbed.inference.rec.RecModelConfig.Interaction;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.Precision;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The configurations against SYSTEMS.md sections 2 and 9, scaling rules, and what the built graphs contain. */
class RecModelsTest {
  private static final List<Long> MT = Stream.concat(Collections.nCopies(41, 500_000L).stream(), Stream.of(5_000_000L, 5_000_000L)).toList();

  /** SYSTEMS.md section 2's table (and section 9 for MLPerf DLRM): tables x rows, dim, lookups, bottom MLP, top MLP, dense inputs, outputs. */
  static Stream<Arguments> systemsTable() {
    return Stream.of(
        Arguments.of("dlrm-rmc1", Collections.nCopies(8, 4_000_000L), 32, 80, List.of(128, 64, 32), List.of(288, 256, 64, 1), 128, 1),
        Arguments.of("dlrm-rmc2", Collections.nCopies(32, 500_000L), 64, 120, List.of(256, 128, 64), List.of(2112, 128, 64, 1), 256, 1),
        Arguments.of("dlrm-rmc3", Collections.nCopies(10, 2_000_000L), 32, 20, List.of(2560, 1024, 256, 32), List.of(352, 512, 256, 1), 2560, 1),
        Arguments.of("wnd", Collections.nCopies(27, 1_000_000L), 32, 1, List.of(), List.of(1376, 1024, 512, 256, 1), 512, 1),
        Arguments.of("mt-wnd", MT, 32, 1, List.of(), List.of(1888, 1024, 512), 512, 2),
        Arguments.of("ncf", List.of(140_000L, 140_000L, 28_000L, 28_000L), 64, 1, List.of(512), List.of(128, 256, 256, 128, 64, 64), 0, 1),
        Arguments.of("din", List.of(1_000_000L, 100_000L, 10_000_000L, 10_000_000L), 32, 3, List.of(), List.of(128, 200, 80, 2), 0, 2),
        Arguments.of("dien", MT, 32, 1, List.of(), List.of(160, 200, 80, 2), 0, 2),
        Arguments.of("mlperf-dlrm", null, 128, 1, List.of(13, 512, 256, 128), List.of(479, 1024, 1024, 512, 256, 1), 13, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("systemsTable")
  void configsMatchSystemsMd(String name, List<Long> rows, int dim, int lookups, List<Integer> bottom, List<Integer> top, int dense, int outputs) {
    RecModelConfig c = RecModels.config(name);
    if (rows != null) assertThat(c.paperRows()).isEqualTo(rows);
    assertThat(c.dim()).isEqualTo(dim);
    assertThat(c.lookups()).isEqualTo(lookups);
    assertThat(c.bottomMlp()).isEqualTo(bottom);
    assertThat(c.topMlp()).isEqualTo(top);
    assertThat(c.denseFeatures()).isEqualTo(dense);
    assertThat(c.outputsPerItem()).isEqualTo(outputs);
    assertThat(c.topMlpInput()).isEqualTo(top.get(0));
  }

  @Test
  void namesAndModelSpecificParts() {
    assertThat(RecModels.names()).containsExactly("dlrm-rmc1", "dlrm-rmc2", "dlrm-rmc3", "wnd", "mt-wnd", "ncf", "din", "dien", "mlperf-dlrm");
    assertThat(RecModels.config("mt-wnd").taskMlp()).containsExactly(512, 256, 128);
    assertThat(RecModels.config("mt-wnd").tasks()).isEqualTo(2);
    assertThat(RecModels.config("din").attentionMlp()).containsExactly(96, 1, 32);
    assertThat(RecModels.config("din").behaviours()).isEqualTo(3);
    assertThat(RecModels.config("dien").gruHidden()).isEqualTo(64);
    assertThat(RecModels.config("dien").behaviours()).isEqualTo(40);
    RecModelConfig mlperf = RecModels.config("mlperf-dlrm");
    assertThat(mlperf.tables()).isEqualTo(26);
    assertThat(mlperf.interaction()).isEqualTo(Interaction.DOT);
    assertThat(mlperf.topMlpInput()).isEqualTo(27 * 26 / 2 + 128);
    assertThat(RecModels.configs().values().stream().filter(c -> c.architecture() == Architecture.DLRM).map(RecModelConfig::interaction))
        .containsExactly(Interaction.CAT, Interaction.CAT, Interaction.CAT, Interaction.DOT);
    assertThatThrownBy(() -> RecModels.config("dlrm")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown recommendation model 'dlrm' (known: dlrm-rmc1, dlrm-rmc2, dlrm-rmc3, wnd, mt-wnd, ncf, din, dien, mlperf-dlrm)");
  }

  @Test
  void rowsScaleWithAFloorDimsAndLookupsStay() {
    RecModelConfig c = RecModels.config("dlrm-rmc1");
    assertThat(c.rowsAt(1.0 / 32, 1000)).containsOnly(125_000L).hasSize(8);
    assertThat(c.rowsAt(1e-6, 1000)).containsOnly(1000L);
    assertThat(c.embeddingBytesAt(1.0 / 32, 1000)).isEqualTo(8L * 125_000 * 32 * 4);
    RecModelConfig mlperf = RecModels.config("mlperf-dlrm");
    List<Long> tiny = mlperf.rowsAt(1e-6, 1000);
    assertThat(tiny.get(5)).isEqualTo(3);       // a 3-row table stays 3 rows
    assertThat(tiny.get(0)).isEqualTo(1000);    // 39.9M rows floored at 1000
    assertThat(mlperf.rowsAt(1.0, 1000)).isEqualTo(mlperf.paperRows());
    assertThatThrownBy(() -> c.rowsAt(0, 1000)).hasMessageContaining("scale must be in (0, 1]");
    assertThatThrownBy(() -> c.rowsAt(1.5, 1000)).hasMessageContaining("scale must be in (0, 1]");
  }

  @Test
  void defaultScalesKeepTablesWithin128MiB() {
    for (String n : RecModels.names()) {
      double s = RecModels.defaultScale(n);
      RecModelConfig c = RecModels.config(n);
      assertThat(c.embeddingBytesAt(s, RecModels.MIN_ROWS)).as(n).isLessThanOrEqualTo(RecModels.DEFAULT_TABLE_BUDGET_BYTES);
      if (s < 1) assertThat(c.embeddingBytesAt(s * 2, RecModels.MIN_ROWS)).as(n).isGreaterThan(RecModels.DEFAULT_TABLE_BUDGET_BYTES);
    }
    assertThat(RecModels.defaultScale("dlrm-rmc1")).isEqualTo(1.0 / 32);
    assertThat(RecModels.defaultScale("ncf")).isEqualTo(1.0);
    assertThat(RecModels.defaultScale("mlperf-dlrm")).isEqualTo(1.0 / 1024);
  }

  @Test
  void aScaleOverTheProtobufLimitIsRefusedNamingTheModel() {
    assertThatThrownBy(() -> RecModels.build("dlrm-rmc1", 1.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recommendation model 'dlrm-rmc1' at scale 1.0 needs 4096 MB of embedding tables, over ONNX's 2 GB protobuf limit;"
            + " use a scale <= 0.4639 (default 0.03125)");
    assertThatThrownBy(() -> RecModels.build("mlperf-dlrm", 0.1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("recommendation model 'mlperf-dlrm' at scale 0.1 needs");
  }

  /** Features read off the built graph: lookups, table bytes and exact MACs for the analytic cases. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.testbed.inference.rec.RecEngineTest#names")
  void featuresComeFromTheGraph(String name) {
    RecModel m = RecEngineTest.tiny(name);
    RecModelConfig c = m.config();
    RecFeatures f = m.recFeatures();
    assertThat(f.tables()).isEqualTo(c.tables());
    assertThat(f.totalRows()).isEqualTo(m.rows().stream().mapToLong(Long::longValue).sum());
    assertThat(f.lookupsPerSample()).isEqualTo(c.tables() * c.lookups());
    assertThat(f.embeddingBytes()).isEqualTo(f.totalRows() * c.dim() * 4);
    assertThat(f.embeddingBytesReadPerSample()).isEqualTo((long) f.lookupsPerSample() * c.dim() * 4);
    assertThat(f.embeddingFlopsPerByte()).isEqualTo(0.25);
    assertThat(f.parameterBytes()).isGreaterThan(f.embeddingBytes());
    assertThat(m.embeddingNodes()).hasSize(2 * c.tables() - (c.architecture() == Architecture.DIN ? 1 : 0)); // DIN's behaviours are not pooled
    ModelFeatures mf = m.features();
    assertThat(mf.inputShape()).containsExactly((long) c.tables(), (long) c.lookups());
    assertThat(mf.convLayers()).isZero();
    assertThat(mf.macs()).isEqualTo(f.fcMacsPerSample());
    assertThat(m.info().family()).isEqualTo("recommendation");
    assertThat(m.info().precisions()).containsExactly(Precision.FP32);
    assertThat(m.averageGraphWidth()).isGreaterThan(1.0); // the table lookups run side by side
  }

  @Test
  void macsAndLayersMatchTheArchitecture() {
    // RMC1: bottom 128-64-32, top 288-256-64-1
    assertThat(RecEngineTest.tiny("dlrm-rmc1").features().macs()).isEqualTo(128 * 64 + 64 * 32 + 288 * 256 + 256 * 64 + 64);
    assertThat(RecEngineTest.tiny("dlrm-rmc1").features().fcLayers()).isEqualTo(5);
    // MLPerf: bottom 13-512-256-128, dot interaction 27 x 27 x 128, top 479-1024-1024-512-256-1
    long mlperf = 13 * 512 + 512 * 256 + 256 * 128 + 27 * 27 * 128 + 479 * 1024 + 1024 * 1024 + 1024 * 512 + 512 * 256 + 256;
    assertThat(RecEngineTest.tiny("mlperf-dlrm").features().macs()).isEqualTo(mlperf);
    // MT-WnD: shared 1888-1024-512, two heads 512-256-128-1
    assertThat(RecEngineTest.tiny("mt-wnd").features().macs()).isEqualTo(1888 * 1024 + 1024 * 512 + 2 * (512 * 256 + 256 * 128 + 128));
    // NCF: tower 128-256-256-128-64, fusion 128-64, predict 64-1
    assertThat(RecEngineTest.tiny("ncf").features().macs()).isEqualTo(128 * 256 + 256 * 256 + 256 * 128 + 128 * 64 + 128 * 64 + 64);
    // DIN: attention 3 x 96 -> 1, weighted sum 3 x 32, top 128-200-80-2
    assertThat(RecEngineTest.tiny("din").features().macs()).isEqualTo(3 * 96 + 3 * 32 + 128 * 200 + 200 * 80 + 80 * 2);
    // DIEN: GRU 40 steps x 3 gates x 64 x (32 + 64), top 160-200-80-2
    ModelFeatures dien = RecEngineTest.tiny("dien").features();
    assertThat(dien.recurrentLayers()).isEqualTo(1);
    assertThat(dien.macs()).isEqualTo(40L * 3 * 64 * (32 + 64) + 160 * 200 + 200 * 80 + 80 * 2);
  }
}
