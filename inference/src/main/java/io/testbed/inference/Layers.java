package io.testbed.inference;

import io.testbed.inference.graph.GraphBuilder;
import io.testbed.protocol.Precision;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Emits layers into a {@link GraphBuilder} at one precision, drawing seeded weights in the same order for every
 * precision so the FP32 and INT8 variants of a model share their weights.
 *
 * <p>INT8 is static quantisation in the QDQ form ONNX Runtime's own quantiser writes (and its CPU EP fuses into
 * {@code QLinearConv}, {@code QLinearMatMul}, {@code QLinearAdd}, {@code QLinearConcat}, ...): weights stored as
 * int8 with a symmetric per-output-channel scale, biases as int32 at (input scale x weight scale), and every
 * activation that enters a conv, matmul, add, concat or pool passes a {@code QuantizeLinear} (uint8, per tensor,
 * scale and zero point from the calibration ranges) and a {@code DequantizeLinear}. The GRU keeps float activations:
 * its weights are int8 expanded by a {@code DequantizeLinear} (ONNX has no integer GRU).
 *
 * <p>The FP32 variant holds the same int8 grid values as floats (as a model trained with quantisation-aware
 * training would), so INT8 differs from FP32 by its integer activations and biases only.
 */
final class Layers {
  /** Share of each filter's mean removed by {@link #standardised}. */
  static final double STANDARDISATION = 0.5;

  final GraphBuilder g;
  private final String graphName;
  private final Precision precision;
  private final SplittableRandom rng;
  /** INT8 only: calibrated [min, max] of every float value of the FP32 graph (same names in both graphs). */
  private final Map<String, float[]> ranges;
  /** INT8 only: value -> its quantised-dequantised twin, so each value is quantised once. */
  private final Map<String, String> qdq = new HashMap<>();

  Layers(String graphName, Precision precision, long seed, Map<String, float[]> ranges) {
    if (precision == Precision.INT8 && ranges == null) throw new IllegalArgumentException("INT8 needs calibration ranges");
    this.g = new GraphBuilder(graphName);
    this.graphName = graphName;
    this.precision = precision;
    this.rng = new SplittableRandom(seed);
    this.ranges = ranges;
  }

  private boolean int8() { return precision == Precision.INT8; }

  /**
   * The value as the next op sees it: itself in FP32; in INT8 QuantizeLinear then DequantizeLinear with the
   * calibrated uint8 scale and zero point.
   */
  String q(String x) {
    if (!int8()) return x;
    return qdq.computeIfAbsent(x, v -> {
      float[] r = ranges.get(v);
      if (r == null) throw new IllegalStateException("no calibration range for '" + v + "' in graph '" + graphName + "'");
      float lo = Math.min(0, r[0]), hi = Math.max(0, r[1]);
      float scale = hi > lo ? (hi - lo) / 255f : 1f;
      int zp = Math.max(0, Math.min(255, Math.round(-lo / scale)));
      String s = g.initFloat(g.fresh("act_scale"), new float[] {scale});
      String z = g.initUint8(g.fresh("act_zp"), new byte[] {(byte) zp});
      return g.dequantizeLinear(g.quantizeLinear(v, s, z), s, z, -1);
    });
  }

  /** The scale of a value's activation quantisation, for int32 biases. */
  private float scaleOf(String x) {
    float[] r = ranges.get(x);
    float lo = Math.min(0, r[0]), hi = Math.max(0, r[1]);
    return hi > lo ? (hi - lo) / 255f : 1f;
  }

  String add(String a, String b) { return g.add(q(a), q(b)); }

  String concat(List<String> parts) { return g.concat(1, parts.stream().map(this::q).toList()); }

  String maxPool(String x, int kernel, int stride, int pad) { return g.maxPool(q(x), kernel, stride, pad); }

  String globalAveragePool(String x) { return g.globalAveragePool(q(x)); }

  /** Convolution (square kernel) + bias (BatchNorm folded into it) + optional ReLU. */
  String conv(String x, int outC, int kernel, int stride, int pad, int group, boolean relu) {
    long inC = g.shape(x)[1];
    int inPerGroup = (int) (inC / group);
    int fanIn = inPerGroup * kernel * kernel;
    float[] w = standardised(heNormal(outC * fanIn, fanIn, 2.0), outC, fanIn, 1, 2.0);
    float[] b = smallBias(outC);
    long[] wDims = {outC, inPerGroup, kernel, kernel};
    Quantised q = Quantised.perRow(w, outC);
    w = q.dequantised(fanIn); // FP32 holds the int8 grid values: see the class comment
    String y;
    if (!int8()) {
      y = g.conv(x, g.initFloat(g.fresh("conv_w"), w, wDims), g.initFloat(g.fresh("conv_b"), b, outC), stride, pad, group);
    } else {
      String wq = g.initInt8(g.fresh("conv_wq"), q.values, wDims);
      String wdq = g.dequantizeLinear(wq, g.initFloat(g.fresh("conv_wscale"), q.scales, outC), g.initInt8(g.fresh("conv_wzp"), new byte[outC], outC), 0);
      y = g.conv(q(x), wdq, int32Bias(b, scaleOf(x), q.scales), stride, pad, group);
    }
    return relu ? g.relu(y) : y;
  }

  /** Fully connected: [.., K] x [K, out] + bias, optional ReLU; He gain 2 before a ReLU, 1 for logits. */
  String dense(String x, int out, boolean relu) {
    long[] xs = g.shape(x);
    int k = (int) xs[xs.length - 1];
    float[] w = standardised(heNormal(k * out, k, relu ? 2.0 : 1.0), out, k, out, relu ? 2.0 : 1.0); // row-major [K, out]
    float[] b = smallBias(out);
    Quantised q = Quantised.perColumn(w, k, out);
    w = q.dequantisedColumns(out);
    String wName;
    if (!int8()) {
      wName = g.initFloat(g.fresh("fc_w"), w, k, out);
    } else {
      String wq = g.initInt8(g.fresh("fc_wq"), q.values, k, out);
      wName = g.dequantizeLinear(wq, g.initFloat(g.fresh("fc_wscale"), q.scales, out), g.initInt8(g.fresh("fc_wzp"), new byte[out], out), 1);
    }
    String y = g.add(g.matMul(q(x), wName), g.initFloat(g.fresh("fc_b"), b, out));
    return relu ? g.relu(y) : y;
  }

  /** One-direction GRU over time-major [seq, N, in]; returns the last hidden state [N, hidden]. */
  String gruLastState(String xTimeMajor, int hidden) {
    int in = (int) g.shape(xTimeMajor)[2];
    int gates = 3 * hidden;
    // Uniform(-1/sqrt(H), 1/sqrt(H)), the usual recurrent init.
    float bound = (float) (1 / Math.sqrt(hidden));
    float[] w = uniform(gates * in, bound);
    float[] r = uniform(gates * hidden, bound);
    float[] b = uniform(2 * gates, bound);
    Quantised wq = Quantised.perRow(w, gates);
    Quantised rq = Quantised.perRow(r, gates);
    String wName, rName;
    if (!int8()) {
      wName = g.initFloat(g.fresh("gru_w"), wq.dequantised(in), 1, gates, in);
      rName = g.initFloat(g.fresh("gru_r"), rq.dequantised(hidden), 1, gates, hidden);
    } else {
      wName = dequantized("gru_w", wq, gates, in);
      rName = dequantized("gru_r", rq, gates, hidden);
    }
    String bName = g.initFloat(g.fresh("gru_b"), b, 1, 2L * gates);
    String[] out = g.gru(xTimeMajor, wName, rName, bName, hidden);
    return g.squeeze(out[1], 0);
  }

  /** Bias as int32 at scale (input scale x weight scale of its channel), expanded by a DequantizeLinear. */
  private String int32Bias(float[] b, float inputScale, float[] weightScales) {
    int[] bq = new int[b.length];
    float[] scales = new float[b.length];
    for (int c = 0; c < b.length; c++) {
      scales[c] = inputScale * weightScales[c];
      bq[c] = Math.round(b[c] / scales[c]);
    }
    String bqName = g.initInt32(g.fresh("conv_bq"), bq, b.length);
    return g.dequantizeLinear(bqName, g.initFloat(g.fresh("conv_bscale"), scales, b.length), g.initInt32(g.fresh("conv_bzp"), new int[b.length], b.length), 0);
  }

  private String dequantized(String prefix, Quantised q, int rows, int cols) {
    String wq = g.initInt8(g.fresh(prefix + "q"), q.values, 1, rows, cols);
    String scale = g.initFloat(g.fresh(prefix + "scale"), q.scales, rows);
    String zp = g.initInt8(g.fresh(prefix + "zp"), new byte[rows], rows);
    return g.dequantizeLinear(wq, scale, zp, 1);
  }

  private float[] heNormal(int n, int fanIn, double gain) {
    double std = Math.sqrt(gain / fanIn);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) (rng.nextGaussian() * std);
    return w;
  }

  /**
   * Partial weight standardisation (after Qiao et al. 2019, standing in for the BatchNorm a trained net folds into
   * its convs): each filter loses {@link #STANDARDISATION} of its mean and is rescaled to variance gain / fanIn.
   * Without it a deep random ReLU net maps every input to nearly the same logits (the positive mean of ReLU outputs
   * dominates), so its top-1 class would not depend on the input; with full standardisation it turns chaotic and
   * 8-bit activation rounding flips its top-1. Half is between the two. Filter f holds elements
   * {@code f * filterStride + i * elementStride}, i < fanIn.
   */
  static float[] standardised(float[] w, int filters, int fanIn, int elementStride, double gain) {
    int filterStride = elementStride == 1 ? fanIn : 1;
    double target = Math.sqrt(gain / fanIn);
    for (int f = 0; f < filters; f++) {
      double sum = 0, sq = 0;
      for (int i = 0; i < fanIn; i++) sum += w[f * filterStride + i * elementStride];
      double mean = STANDARDISATION * sum / fanIn;
      for (int i = 0; i < fanIn; i++) {
        double d = w[f * filterStride + i * elementStride] - mean;
        sq += d * d;
      }
      double std = Math.sqrt(sq / fanIn);
      double k = std == 0 ? 0 : target / std;
      for (int i = 0; i < fanIn; i++) {
        int at = f * filterStride + i * elementStride;
        w[at] = (float) ((w[at] - mean) * k);
      }
    }
    return w;
  }

  private float[] smallBias(int n) {
    float[] b = new float[n];
    for (int i = 0; i < n; i++) b[i] = (float) (rng.nextGaussian() * 0.01);
    return b;
  }

  private float[] uniform(int n, float bound) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    return w;
  }

  /** Symmetric int8 quantisation with one scale per group (row of [rows, ...] or column of [K, cols]). */
  record Quantised(byte[] values, float[] scales) {
    static Quantised perRow(float[] w, int rows) {
      int per = w.length / rows;
      byte[] q = new byte[w.length];
      float[] scales = new float[rows];
      for (int r = 0; r < rows; r++) {
        float max = 0;
        for (int i = r * per; i < (r + 1) * per; i++) max = Math.max(max, Math.abs(w[i]));
        scales[r] = max == 0 ? 1 : max / 127f;
        for (int i = r * per; i < (r + 1) * per; i++) q[i] = quantise(w[i], scales[r]);
      }
      return new Quantised(q, scales);
    }

    static Quantised perColumn(float[] w, int k, int cols) {
      float[] scales = new float[cols];
      for (int i = 0; i < k; i++) {
        for (int c = 0; c < cols; c++) scales[c] = Math.max(scales[c], Math.abs(w[i * cols + c]));
      }
      for (int c = 0; c < cols; c++) scales[c] = scales[c] == 0 ? 1 : scales[c] / 127f;
      byte[] q = new byte[w.length];
      for (int i = 0; i < k; i++) {
        for (int c = 0; c < cols; c++) q[i * cols + c] = quantise(w[i * cols + c], scales[c]);
      }
      return new Quantised(q, scales);
    }

    float[] dequantised(int per) {
      float[] w = new float[values.length];
      for (int i = 0; i < w.length; i++) w[i] = values[i] * scales[i / per];
      return w;
    }

    float[] dequantisedColumns(int cols) {
      float[] w = new float[values.length];
      for (int i = 0; i < w.length; i++) w[i] = values[i] * scales[i % cols];
      return w;
    }

    private static byte quantise(float v, float scale) {
      return (byte) Math.max(-127, Math.min(127, Math.round(v / scale)));
    }
  }
}
