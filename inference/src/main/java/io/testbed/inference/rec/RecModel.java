package io.testbed.inference.rec;

import ai.onnx.proto.OnnxMl;
import io.testbed.inference.graph.GraphFeatures;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A built recommendation model: its configuration, the rows it was built with, the serialised ONNX graph and the
 * features read off that graph. Immutable; build with {@link RecModels#build}. FP32 only.
 */
public final class RecModel {
  /** Family name in {@link ModelInfo}. */
  public static final String FAMILY = "recommendation";
  /** Name of the graph's int64 [N, tables, lookups] input. */
  public static final String INDICES = "indices";
  /** Name of the graph's float [N, denseFeatures] input (models with dense features only). */
  public static final String DENSE = "dense";
  /** Name of the graph's float [N, outputsPerItem] output. */
  public static final String OUTPUT = "prob";

  private final RecModelConfig config;
  private final List<Long> rows;
  private final double scale;
  private final long seed;
  private final byte[] onnx;
  private final ModelFeatures features;
  private final RecFeatures recFeatures;
  private final Set<String> embeddingNodes;
  private final double width;
  private final double buildMs;

  RecModel(RecModelConfig config, List<Long> rows, double scale, long seed, OnnxMl.ModelProto model, double graphMs) {
    long start = System.nanoTime();
    this.config = config;
    this.rows = List.copyOf(rows);
    this.scale = scale;
    this.seed = seed;
    this.features = GraphFeatures.of(model);
    GraphFeatures.Embeddings e = GraphFeatures.embeddings(model);
    this.embeddingNodes = e.nodeNames();
    this.recFeatures = new RecFeatures(e.tables(), e.totalRows(), config.dim(), Math.toIntExact(e.lookupsPerSample()), e.tableBytes(),
        features.macs(), e.bytesReadPerSample(), features.parameterBytes());
    this.width = GraphFeatures.averageWidth(model);
    this.onnx = model.toByteArray();
    this.buildMs = graphMs + (System.nanoTime() - start) / 1e6;
  }

  public String name() { return config.name(); }

  public RecModelConfig config() { return config; }

  /** Rows of each table as built. */
  public List<Long> rows() { return rows; }

  /** The row scale it was built at. */
  public double scale() { return scale; }

  public long seed() { return seed; }

  /** Identity of this build: name, scale and seed; two builds with the same key have the same bytes. */
  public String key() { return String.format(Locale.ROOT, "%s@%s#%d", config.name(), scale, seed); }

  public int tables() { return config.tables(); }

  public int lookups() { return config.lookups(); }

  /** Width of the {@code dense} input; 0 when the model has none. */
  public int denseFeatures() { return config.denseFeatures(); }

  /** Values per item in the output. */
  public int outputsPerItem() { return config.outputsPerItem(); }

  /** Protocol features: fc layers (every MatMul: MLPs, interaction, attention), recurrent layers, MACs (no embedding adds), parameter bytes, input shape [tables, lookups]. */
  public ModelFeatures features() { return features; }

  /** Embedding features: tables, rows, lookups and bytes read per item, fc MACs. */
  public RecFeatures recFeatures() { return recFeatures; }

  /** For hello messages: family {@value #FAMILY}, FP32 only. */
  public ModelInfo info() { return new ModelInfo(config.name(), FAMILY, List.of(Precision.FP32), features); }

  /** Average width of the heavy-op graph (SYSTEMS.md section 6; embedding lookups count as heavy ops). */
  public double averageGraphWidth() { return width; }

  /** Names of the graph's embedding nodes (lookups and their pooling), for {@link OperatorMix}. */
  public Set<String> embeddingNodes() { return embeddingNodes; }

  /** Time it took to build the graph, read its features and serialise it. */
  public double buildMs() { return buildMs; }

  /** Size of the serialised graph in bytes. */
  public long onnxBytes() { return onnx.length; }

  /** The serialised ONNX ModelProto (a fresh copy). */
  public byte[] onnx() { return onnx.clone(); }

  /** The serialised bytes without copying, for sessions in this package. */
  byte[] onnxShared() { return onnx; }

  @Override public String toString() { return "RecModel[" + key() + "]"; }
}
