package io.testbed.inference.rec;

import java.util.ArrayList;
import java.util.List;

/**
 * The shape of one recommendation model as SYSTEMS.md sections 2 and 9 list it: tables and their paper row counts,
 * embedding dim, lookups per table, MLP widths (first entry = the layer's input width) and interaction.
 *
 * @param name model name, e.g. {@code dlrm-rmc1}
 * @param architecture how the pieces are wired (see {@link Architecture})
 * @param denseFeatures width of the {@code dense} input; 0 when the model has none (NCF, DIN, DIEN)
 * @param paperRows rows of each table in the paper's configuration (before scaling)
 * @param dim embedding dim of every table
 * @param lookups lookups per table per item (the bag size of SparseLengthsSum)
 * @param bottomMlp bottom MLP widths as listed, input first (DLRM); NCF lists 512 and does not use it; empty otherwise
 * @param topMlp top MLP widths as listed, input first
 * @param taskMlp MT-WnD's per-task head widths, input first; empty otherwise
 * @param tasks MT-WnD's number of tasks (heads); 1 otherwise
 * @param interaction how DLRM combines the bottom output with the pooled embeddings
 * @param attentionMlp DIN's attention unit: [3 x dim in, 1 weight, dim out]; empty otherwise
 * @param gruHidden DIEN's GRU hidden size; 0 otherwise
 */
public record RecModelConfig(
    String name,
    Architecture architecture,
    int denseFeatures,
    List<Long> paperRows,
    int dim,
    int lookups,
    List<Integer> bottomMlp,
    List<Integer> topMlp,
    List<Integer> taskMlp,
    int tasks,
    Interaction interaction,
    List<Integer> attentionMlp,
    int gruHidden) {

  /** How a model's graph is wired. */
  public enum Architecture {
    /** DLRM: bottom MLP on dense features, pooled embeddings, interaction, top MLP, sigmoid. */
    DLRM,
    /** Wide and Deep: dense features concatenated with pooled embeddings, top MLP, sigmoid. */
    WIDE_AND_DEEP,
    /** Multi-task Wide and Deep: shared top MLP, then one head per task, one sigmoid per task. */
    MULTI_TASK_WIDE_AND_DEEP,
    /** Neural collaborative filtering (NeuMF): GMF product of two tables beside an MLP tower on two others. */
    NCF,
    /** Deep Interest Network: attention over behaviour embeddings weighted against the candidate ad, softmax over 2. */
    DIN,
    /** Deep Interest Evolution Network: GRU over the behaviour embeddings, softmax over 2. */
    DIEN
  }

  /** DLRM's feature interaction. */
  public enum Interaction {
    /** Concatenate the bottom output and the pooled embeddings (DeepRecSys's "cat"). */
    CAT,
    /** Pairwise dot products of the bottom output and the pooled embeddings (strict lower triangle) beside the bottom output. */
    DOT
  }

  public RecModelConfig {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    if (architecture == null) throw new IllegalArgumentException(name + ": architecture is required");
    paperRows = List.copyOf(paperRows);
    bottomMlp = List.copyOf(bottomMlp);
    topMlp = List.copyOf(topMlp);
    taskMlp = List.copyOf(taskMlp);
    attentionMlp = List.copyOf(attentionMlp);
    if (paperRows.isEmpty() || paperRows.stream().anyMatch(r -> r <= 0)) throw new IllegalArgumentException(name + ": every table needs rows > 0");
    if (dim <= 0 || lookups <= 0 || tasks <= 0 || denseFeatures < 0) throw new IllegalArgumentException(name + ": dim, lookups and tasks must be > 0");
    if (topMlp.size() < 2) throw new IllegalArgumentException(name + ": top MLP needs an input and at least one layer");
    if (interaction == null) throw new IllegalArgumentException(name + ": interaction is required");
  }

  /** Number of embedding tables. */
  public int tables() { return paperRows.size(); }

  /** Width of the top MLP's input implied by the wiring; the constructor of a built model checks it against {@link #topMlp}. */
  public int topMlpInput() {
    int t = tables();
    return switch (architecture) {
      case DLRM -> interaction == Interaction.CAT ? (t + 1) * bottomOut() : (t + 1) * t / 2 + bottomOut();
      case WIDE_AND_DEEP, MULTI_TASK_WIDE_AND_DEEP -> denseFeatures + t * dim;
      case NCF -> 2 * dim;
      case DIN -> 4 * dim;
      case DIEN -> gruHidden + 3 * dim;
    };
  }

  /** Output values per item: 1 click probability, {@link #tasks} for MT-WnD, 2 (softmax) for DIN and DIEN. */
  public int outputsPerItem() {
    return switch (architecture) {
      case MULTI_TASK_WIDE_AND_DEEP -> tasks;
      case DIN, DIEN -> 2;
      default -> 1;
    };
  }

  /** Behaviours in the sequence: DIN attends over its behaviour table's lookups, DIEN's GRU runs over its 40 behaviour tables. */
  public int behaviours() {
    return switch (architecture) {
      case DIN -> lookups;
      case DIEN -> tables() - 3;
      default -> 0;
    };
  }

  /** Bytes of all tables at the paper's row counts (FP32). */
  public long paperEmbeddingBytes() {
    long rows = 0;
    for (long r : paperRows) rows += r;
    return rows * dim * 4L;
  }

  /**
   * Rows of each table at a scale: round(paper rows x scale), at least {@code min(paper rows, minRows)} and at most
   * the paper's rows. SYSTEMS.md section 2: rows scale, dims and lookups stay.
   */
  public List<Long> rowsAt(double scale, long minRows) {
    if (!(scale > 0 && scale <= 1)) throw new IllegalArgumentException(name + ": scale must be in (0, 1], was " + scale);
    List<Long> out = new ArrayList<>(paperRows.size());
    for (long paper : paperRows) out.add(Math.min(paper, Math.max(Math.min(paper, minRows), Math.round(paper * scale))));
    return List.copyOf(out);
  }

  /** Bytes of all tables at a scale (FP32). */
  public long embeddingBytesAt(double scale, long minRows) {
    long rows = 0;
    for (long r : rowsAt(scale, minRows)) rows += r;
    return rows * dim * 4L;
  }

  private int bottomOut() { return bottomMlp.get(bottomMlp.size() - 1); }
}
