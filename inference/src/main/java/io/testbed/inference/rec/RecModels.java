package io.testbed.inference.rec;

import io.testbed.inference.rec.RecModelConfig.Architecture;
import io.testbed.inference.rec.RecModelConfig.Interaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recommendation models of SYSTEMS.md sections 2 and 9 (DeepRecSys's eight plus MLPerf DLRM): their configurations
 * and {@link #build} at a row scale. Separate from {@code ModelZoo} (the vision zoo that devices announce): the
 * recommendation server announces these itself.
 */
public final class RecModels {
  /** Floor on scaled rows: a table keeps at least this many rows (or all of them when the paper has fewer). */
  public static final long MIN_ROWS = 1000;
  /** The default scale keeps every model's FP32 tables within this budget (128 MiB). */
  public static final long DEFAULT_TABLE_BUDGET_BYTES = 128L << 20;
  /**
   * Largest table bytes a build accepts: the serialised ModelProto must stay under protobuf's 2 GB limit, and the
   * MLPs, indices and graph need some room beside the tables.
   */
  public static final long MAX_TABLE_BYTES = 1_900_000_000L;

  private static final Map<String, RecModelConfig> CONFIGS = configs0();

  private RecModels() {}

  private static Map<String, RecModelConfig> configs0() {
    Map<String, RecModelConfig> m = new LinkedHashMap<>();
    List<Long> mt = new ArrayList<>(Collections.nCopies(41, 500_000L));
    mt.addAll(List.of(5_000_000L, 5_000_000L));
    for (RecModelConfig c : List.of(
        dlrm("dlrm-rmc1", 128, Collections.nCopies(8, 4_000_000L), 32, 80, List.of(128, 64, 32), List.of(288, 256, 64, 1), Interaction.CAT),
        dlrm("dlrm-rmc2", 256, Collections.nCopies(32, 500_000L), 64, 120, List.of(256, 128, 64), List.of(2112, 128, 64, 1), Interaction.CAT),
        dlrm("dlrm-rmc3", 2560, Collections.nCopies(10, 2_000_000L), 32, 20, List.of(2560, 1024, 256, 32), List.of(352, 512, 256, 1), Interaction.CAT),
        new RecModelConfig("wnd", Architecture.WIDE_AND_DEEP, 512, Collections.nCopies(27, 1_000_000L), 32, 1, List.of(),
            List.of(1376, 1024, 512, 256, 1), List.of(), 1, Interaction.CAT, List.of(), 0),
        new RecModelConfig("mt-wnd", Architecture.MULTI_TASK_WIDE_AND_DEEP, 512, mt, 32, 1, List.of(),
            List.of(1888, 1024, 512), List.of(512, 256, 128), 2, Interaction.CAT, List.of(), 0),
        new RecModelConfig("ncf", Architecture.NCF, 0, List.of(140_000L, 140_000L, 28_000L, 28_000L), 64, 1, List.of(512),
            List.of(128, 256, 256, 128, 64, 64), List.of(), 1, Interaction.CAT, List.of(), 0),
        new RecModelConfig("din", Architecture.DIN, 0, List.of(1_000_000L, 100_000L, 10_000_000L, 10_000_000L), 32, 3, List.of(),
            List.of(128, 200, 80, 2), List.of(), 1, Interaction.CAT, List.of(96, 1, 32), 0),
        new RecModelConfig("dien", Architecture.DIEN, 0, mt, 32, 1, List.of(),
            List.of(160, 200, 80, 2), List.of(), 1, Interaction.CAT, List.of(), 64),
        // MLPerf DLRM on Criteo Terabyte: the reference's table sizes with --max-ind-range=40000000; dot interaction
        // 27 x 26 / 2 = 351 pairs + the 128-wide bottom output = 479 into the top MLP 1024-1024-512-256-1.
        dlrm("mlperf-dlrm", 13, List.of(39_884_406L, 39_043L, 17_289L, 7_420L, 20_263L, 3L, 7_120L, 1_543L, 63L, 38_532_951L, 2_953_546L,
            403_346L, 10L, 2_208L, 11_938L, 155L, 4L, 976L, 14L, 39_979_771L, 25_641_295L, 39_664_984L, 585_935L, 12_972L, 108L, 36L),
            128, 1, List.of(13, 512, 256, 128), List.of(479, 1024, 1024, 512, 256, 1), Interaction.DOT))) {
      if (c.topMlp().get(0) != c.topMlpInput()) {
        throw new IllegalStateException(c.name() + ": top MLP input " + c.topMlp().get(0) + " != wiring's " + c.topMlpInput());
      }
      m.put(c.name(), c);
    }
    return Collections.unmodifiableMap(m);
  }

  private static RecModelConfig dlrm(String name, int dense, List<Long> rows, int dim, int lookups, List<Integer> bottom, List<Integer> top, Interaction i) {
    return new RecModelConfig(name, Architecture.DLRM, dense, rows, dim, lookups, bottom, top, List.of(), 1, i, List.of(), 0);
  }

  /** Model names in SYSTEMS.md's order: dlrm-rmc1, dlrm-rmc2, dlrm-rmc3, wnd, mt-wnd, ncf, din, dien, mlperf-dlrm. */
  public static List<String> names() { return List.copyOf(CONFIGS.keySet()); }

  /** Every configuration, in {@link #names()} order. */
  public static Map<String, RecModelConfig> configs() { return CONFIGS; }

  /** The named configuration; IllegalArgumentException naming the known ones otherwise. */
  public static RecModelConfig config(String name) {
    RecModelConfig c = CONFIGS.get(name);
    if (c == null) throw new IllegalArgumentException("unknown recommendation model '" + name + "' (known: " + String.join(", ", CONFIGS.keySet()) + ")");
    return c;
  }

  /**
   * The default row scale of a model: the largest 2^-k (k >= 0) at which its FP32 tables fit in
   * {@link #DEFAULT_TABLE_BUDGET_BYTES} (1/32 for the DeepRecSys models but NCF, which keeps scale 1; 1/1024 for MLPerf DLRM).
   */
  public static double defaultScale(String name) {
    RecModelConfig c = config(name);
    double s = 1;
    while (c.embeddingBytesAt(s, MIN_ROWS) > DEFAULT_TABLE_BUDGET_BYTES) s /= 2;
    return s;
  }

  /** The default weight seed of a model (derived from its name). */
  public static long defaultSeed(String name) { return 0x5EC0_0000L ^ config(name).name().hashCode(); }

  /** Builds the model at its default scale and seed. */
  public static RecModel build(String name) { return build(name, defaultScale(name), defaultSeed(name)); }

  /** Builds the model at a scale with its default seed. */
  public static RecModel build(String name, double scale) { return build(name, scale, defaultSeed(name)); }

  /**
   * Builds the ONNX graph of a model with rows scaled by {@code scale} in (0, 1] and weights drawn from {@code seed}.
   * IllegalArgumentException when the tables would pass {@link #MAX_TABLE_BYTES} (protobuf's 2 GB limit), naming the
   * model, the size and the largest scale that fits.
   */
  public static RecModel build(String name, double scale, long seed) {
    RecModelConfig c = config(name);
    List<Long> rows = c.rowsAt(scale, MIN_ROWS);
    long bytes = c.embeddingBytesAt(scale, MIN_ROWS);
    if (bytes > MAX_TABLE_BYTES) {
      double fits = scale * MAX_TABLE_BYTES / bytes;
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "recommendation model '%s' at scale %s needs %d MB of embedding tables, over ONNX's 2 GB protobuf limit; use a scale <= %.4g (default %s)",
          name, scale, bytes / 1_000_000, fits, defaultScale(name)));
    }
    return RecGraph.build(c, rows, scale, seed);
  }
}
