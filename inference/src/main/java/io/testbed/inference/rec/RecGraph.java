package io.testbed.inference.rec;

import ai.onnx.proto.OnnxMl;
import io.testbed.inference.graph.GraphBuilder;
import io.testbed.inference.rec.RecModelConfig.Interaction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds a recommendation model's ONNX graph from its configuration.
 *
 * <p>Inputs: {@code indices} int64 [N, tables, lookups] (first, so {@code ModelFeatures.inputShape} is
 * [tables, lookups]) and, where the model has dense features, {@code dense} float [N, denseFeatures]. The indices are
 * split per table; an embedding bag is {@code Gather(table, indices)} + {@code ReduceSum} over the lookup axis
 * (SparseLengthsSum, SYSTEMS.md section 3). One output {@code prob} [N, outputsPerItem].
 *
 * <p>Weights: each table from its own stream (seed, table index): uniform in +-sqrt(3 / dim), so a row has about unit
 * norm; MLP weights He-normal (gain 2 before a ReLU, 1 for the logit layer), biases N(0, 0.01), drawn in graph
 * order from {@code seed}, so they do not change with the scale.
 */
final class RecGraph {
  private final RecModelConfig c;
  private final GraphBuilder g;
  private final SplittableRandom rng;
  private final long seed;

  private RecGraph(RecModelConfig c, long seed) {
    this.c = c;
    this.g = new GraphBuilder(c.name());
    this.rng = new SplittableRandom(seed);
    this.seed = seed;
  }

  static RecModel build(RecModelConfig c, List<Long> rows, double scale, long seed) {
    long start = System.nanoTime();
    OnnxMl.ModelProto model = new RecGraph(c, seed).graph(rows);
    return new RecModel(c, rows, scale, seed, model, (System.nanoTime() - start) / 1e6);
  }

  private OnnxMl.ModelProto graph(List<Long> rows) {
    int t = c.tables(), l = c.lookups();
    String idx = g.input("indices", GraphBuilder.INT64, GraphBuilder.BATCH, t, l);
    String dense = c.denseFeatures() > 0 ? g.input("dense", GraphBuilder.FLOAT, GraphBuilder.BATCH, c.denseFeatures()) : null;
    String[] parts = g.split(idx, 1, t); // [N, 1, lookups] each
    String[] tables = new String[t];
    for (int i = 0; i < t; i++) tables[i] = g.initFloatBytes(SharedTables.TABLE_PREFIX + i, table(rows.get(i), c.dim(), i), rows.get(i), c.dim());
    Bags bags = new Bags(tables, parts);
    String prob = switch (c.architecture()) {
      case DLRM -> dlrm(dense, bags);
      case WIDE_AND_DEEP -> g.sigmoid(mlp(g.concat(1, cat(dense, bags.pooledAll())), c.topMlp(), false));
      case MULTI_TASK_WIDE_AND_DEEP -> multiTask(dense, bags);
      case NCF -> ncf(bags);
      case DIN -> din(bags);
      case DIEN -> dien(bags);
    };
    long[] ps = g.shape(prob);
    if (ps.length != 2 || ps[1] != c.outputsPerItem()) throw new IllegalStateException(c.name() + ": output shape " + java.util.Arrays.toString(ps));
    g.output(prob);
    return renameOutput(g.build(), prob);
  }

  /** Embedding bags of the split indices. */
  private final class Bags {
    private final String[] tables;
    private final String[] parts;

    Bags(String[] tables, String[] parts) {
      this.tables = tables;
      this.parts = parts;
    }

    /** SparseLengthsSum of table t: [N, dim]. */
    String pooled(int t) { return g.reduceSum(g.gather(tables[t], parts[t], 0), false, 1, 2); }

    /** The lookups of table t one by one: [N, lookups, dim]. */
    String unpooled(int t) { return g.reshape(g.gather(tables[t], parts[t], 0), 0, c.lookups(), c.dim()); }

    List<String> pooledAll() {
      List<String> out = new ArrayList<>();
      for (int t = 0; t < tables.length; t++) out.add(pooled(t));
      return out;
    }
  }

  private static List<String> cat(String first, List<String> rest) {
    List<String> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  /** DLRM: bottom MLP (ReLU on every layer), then "cat" or MLPerf's "dot" interaction, top MLP, sigmoid. */
  private String dlrm(String dense, Bags bags) {
    String bottom = mlp(dense, c.bottomMlp(), true);
    List<String> features = cat(bottom, bags.pooledAll());
    String z;
    if (c.interaction() == Interaction.CAT) {
      z = g.concat(1, features);
    } else {
      int f = features.size();
      String stacked = g.reshape(g.concat(1, features), 0, f, c.dim());               // [N, F, dim]
      String dots = g.batchMatMul(stacked, g.transpose(stacked, 0, 2, 1));          // [N, F, F]
      long[] tril = new long[f * (f - 1) / 2];
      int k = 0;
      for (int i = 0; i < f; i++) for (int j = 0; j < i; j++) tril[k++] = (long) i * f + j; // DLRM's pairs j < i
      String pairs = g.gather(g.reshape(dots, 0, (long) f * f), g.initInt64("tril_indices", tril, tril.length), 1);
      z = g.concat(1, List.of(bottom, pairs));
    }
    return g.sigmoid(mlp(z, c.topMlp(), false));
  }

  /** MT-WnD: shared top MLP (ReLU), one head per task (ReLU layers, then a logit), one sigmoid per task. */
  private String multiTask(String dense, Bags bags) {
    String shared = mlp(g.concat(1, cat(dense, bags.pooledAll())), c.topMlp(), true);
    List<String> logits = new ArrayList<>();
    for (int task = 0; task < c.tasks(); task++) logits.add(dense(mlp(shared, c.taskMlp(), true), 1, false));
    return g.sigmoid(g.concat(1, logits));
  }

  /**
   * NCF (NeuMF), tables in DeepRecSys's order: 0, 1 = GMF user and item, 2, 3 = MLP user and item. GMF = elementwise
   * product; MLP tower on the concatenated MLP embeddings (top MLP without its last entry); the last entry is the
   * fusion layer on [GMF, tower]; then the prediction logit and a sigmoid.
   */
  private String ncf(Bags bags) {
    String gmf = g.mul(bags.pooled(0), bags.pooled(1));
    List<Integer> tower = c.topMlp().subList(0, c.topMlp().size() - 1);
    String mlpOut = mlp(g.concat(1, List.of(bags.pooled(2), bags.pooled(3))), tower, true);
    String fused = dense(g.concat(1, List.of(gmf, mlpOut)), c.topMlp().get(c.topMlp().size() - 1), true);
    return g.sigmoid(dense(fused, 1, false));
  }

  /**
   * DIN, tables 0 user profile, 1 behaviours, 2 candidate ad, 3 context (DeepRecSys's order). The behaviour table's
   * lookups are the behaviour sequence (K = lookups), the others are pooled bags. Attention unit (96-1-32): for each
   * behaviour e_k, one FC on [e_k, c, e_k * c] gives its weight w_k (DIN's activation unit, no softmax as in the DIN
   * paper); the unit's output is sum_k w_k e_k (dim wide), computed as a batched MatMul.
   */
  private String din(Bags bags) {
    int k = c.behaviours(), d = c.dim();
    String profile = bags.pooled(0), candidate = bags.pooled(2), context = bags.pooled(3);
    String behaviours = bags.unpooled(1);                         // [N, K, d]
    String cand = g.reshape(candidate, 0, 1, d);                  // [N, 1, d]
    String unitIn = g.concat(2, List.of(behaviours, g.tile(cand, 1, k, 1), g.mul(behaviours, cand))); // [N, K, 3d]
    String weights = dense(unitIn, c.attentionMlp().get(1), false); // [N, K, 1]
    String attended = g.batchMatMul(g.transpose(weights, 0, 2, 1), behaviours); // [N, 1, d]
    String interest = g.reshape(attended, 0, c.attentionMlp().get(2));
    return g.softmax(mlp(g.concat(1, List.of(profile, interest, candidate, context)), c.topMlp(), false), 1);
  }

  /**
   * DIEN, tables 0 user profile, 1..40 behaviours (one lookup each: the sequence), 41 candidate ad, 42 context
   * (DeepRecSys's order). One ONNX GRU (hidden 64) over the 40 behaviour embeddings; its last state beside the
   * profile, candidate and context embeddings feeds the top MLP; softmax over 2.
   */
  private String dien(Bags bags) {
    int k = c.behaviours(), d = c.dim();
    List<String> seq = new ArrayList<>();
    for (int t = 1; t <= k; t++) seq.add(bags.pooled(t));
    String timeMajor = g.transpose(g.reshape(g.concat(1, seq), 0, k, d), 1, 0, 2); // [K, N, d]
    String state = gruLastState(timeMajor, c.gruHidden());
    int t = c.tables();
    List<String> top = List.of(state, bags.pooled(0), bags.pooled(t - 2), bags.pooled(t - 1));
    return g.softmax(mlp(g.concat(1, top), c.topMlp(), false), 1);
  }

  // ---------------------------------------------------------------- layers and weights

  /** An MLP with the listed widths (first = input width, checked); ReLU after every layer, the last one only when asked. */
  private String mlp(String x, List<Integer> widths, boolean reluLast) {
    long[] xs = g.shape(x);
    if (xs[xs.length - 1] != widths.get(0)) {
      throw new IllegalStateException(c.name() + ": MLP " + widths + " gets an input of width " + xs[xs.length - 1]);
    }
    String y = x;
    for (int i = 1; i < widths.size(); i++) y = dense(y, widths.get(i), i < widths.size() - 1 || reluLast);
    return y;
  }

  /** [.., K] x [K, out] + bias, optional ReLU. */
  private String dense(String x, int out, boolean relu) {
    long[] xs = g.shape(x);
    int k = (int) xs[xs.length - 1];
    double std = Math.sqrt((relu ? 2.0 : 1.0) / k);
    float[] w = new float[k * out];
    for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * std);
    float[] b = new float[out];
    for (int i = 0; i < out; i++) b[i] = (float) (rng.nextGaussian() * 0.01);
    String y = g.add(g.matMul(x, g.initFloat(g.fresh("fc_w"), w, k, out)), g.initFloat(g.fresh("fc_b"), b, out));
    return relu ? g.relu(y) : y;
  }

  private String gruLastState(String xTimeMajor, int hidden) {
    int in = (int) g.shape(xTimeMajor)[2];
    int gates = 3 * hidden;
    double bound = 1 / Math.sqrt(hidden);
    String w = g.initFloat(g.fresh("gru_w"), uniform(gates * in, bound), 1, gates, in);
    String r = g.initFloat(g.fresh("gru_r"), uniform(gates * hidden, bound), 1, gates, hidden);
    String b = g.initFloat(g.fresh("gru_b"), uniform(2 * gates, bound), 1, 2L * gates);
    return g.squeeze(g.gru(xTimeMajor, w, r, b, hidden)[1], 0);
  }

  private float[] uniform(int n, double bound) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    return w;
  }

  /** Table t as little-endian FP32 bytes, uniform in +-sqrt(3 / dim), from its own stream (seed, t). */
  private byte[] table(long rows, int dim, int t) {
    long bytes = rows * dim * 4L;
    if (bytes > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(c.name() + ": table " + t + " of " + rows + " rows is over 2 GB");
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0xBF58476D1CE4E5B9L * (t + 1));
    float bound = (float) Math.sqrt(3.0 / dim);
    byte[] out = new byte[(int) bytes];
    ByteBuffer buf = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0, n = (int) (bytes / 4); i < n; i++) buf.putFloat(i * 4, r.nextInt() * 0x1p-31f * bound);
    return out;
  }

  /** Renames the final value to {@code prob} so every model's output has one name. */
  private static OnnxMl.ModelProto renameOutput(OnnxMl.ModelProto m, String from) {
    OnnxMl.GraphProto.Builder gb = m.getGraph().toBuilder();
    for (OnnxMl.NodeProto.Builder n : gb.getNodeBuilderList()) {
      for (int i = 0; i < n.getOutputCount(); i++) if (n.getOutput(i).equals(from)) n.setOutput(i, RecModel.OUTPUT);
    }
    for (int i = 0; i < gb.getValueInfoCount(); i++) {
      if (gb.getValueInfo(i).getName().equals(from)) {
        gb.removeValueInfo(i);
        break;
      }
    }
    gb.setOutput(0, gb.getOutput(0).toBuilder().setName(RecModel.OUTPUT));
    return m.toBuilder().setGraph(gb).build();
  }
}
