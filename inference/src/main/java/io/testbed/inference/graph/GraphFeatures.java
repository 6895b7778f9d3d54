package io.testbed.inference.graph;

import ai.onnx.proto.OnnxMl;
import io.testbed.protocol.ModelFeatures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a model's features (AutoScale state, SYSTEMS.md section 1) and graph width (SYSTEMS.md section 6) off an
 * ONNX graph whose values carry shapes ({@code value_info}, inputs, outputs, initializers).
 *
 * <p>Per-sample MACs: symbolic dimensions (the batch) are left out of every product.
 * <ul>
 *   <li>Conv, ConvInteger, QLinearConv: conv layer; out_c x out_h x out_w x (in_c / group) x k_h x k_w.</li>
 *   <li>MatMul, MatMulInteger, QLinearMatMul, Gemm: fc layer; (concrete output elements) x K.</li>
 *   <li>GRU, LSTM, RNN: recurrent layer; seq x directions x gates x hidden x (input + hidden).</li>
 * </ul>
 * parameterBytes is the size of all initializers.
 */
public final class GraphFeatures {
  private static final Set<String> CONV = Set.of("Conv", "ConvInteger", "QLinearConv");
  private static final Set<String> FC = Set.of("MatMul", "MatMulInteger", "QLinearMatMul", "Gemm");
  private static final Map<String, Integer> RECURRENT_GATES = Map.of("GRU", 3, "LSTM", 4, "RNN", 1);
  /** Ops that do the arithmetic: the "heavy ops" of SYSTEMS.md section 6 (embedding lookups are Gather). */
  private static final Set<String> HEAVY_EXTRA = Set.of("Gather", "EmbedLayerNormalization");

  private GraphFeatures() {}

  /** Features of the model's graph. */
  public static ModelFeatures of(OnnxMl.ModelProto model) {
    OnnxMl.GraphProto g = model.getGraph();
    Map<String, OnnxMl.TensorShapeProto> shapes = shapes(g);
    int conv = 0, fc = 0, rec = 0;
    long macs = 0;
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      String op = n.getOpType();
      if (CONV.contains(op)) {
        conv++;
        macs += convMacs(n, shapes);
      } else if (FC.contains(op)) {
        fc++;
        macs += fcMacs(n, shapes);
      } else if (RECURRENT_GATES.containsKey(op)) {
        rec++;
        macs += recurrentMacs(n, shapes, RECURRENT_GATES.get(op));
      }
    }
    long bytes = 0;
    for (OnnxMl.TensorProto t : g.getInitializerList()) bytes += initializerBytes(t);
    if (g.getInputCount() == 0) throw new IllegalArgumentException("graph '" + g.getName() + "' has no input");
    List<Long> inputShape = new ArrayList<>();
    for (OnnxMl.TensorShapeProto.Dimension d : g.getInput(0).getType().getTensorType().getShape().getDimList()) {
      if (d.hasDimValue()) inputShape.add(d.getDimValue());
    }
    return new ModelFeatures(conv, fc, rec, macs, bytes, inputShape);
  }

  /**
   * The embedding lookups of a graph (SYSTEMS.md section 3): every {@code Gather} whose data is a rank-2 initializer
   * (a [rows, dim] table) is one table's lookup, and a {@code ReduceSum} fed by such a Gather is its pooling
   * (SparseLengthsSum = Gather + ReduceSum).
   *
   * @param tables tables looked up (a table gathered twice counts once)
   * @param totalRows rows over all tables
   * @param tableBytes bytes of all tables
   * @param lookupsPerSample rows read per sample over all tables (the indices' concrete dims; the batch left out)
   * @param bytesReadPerSample table bytes read per sample: lookups x row bytes
   * @param nodeNames names of the lookup (Gather) and pooling (ReduceSum) nodes, for attributing profiled time
   */
  public record Embeddings(int tables, long totalRows, long tableBytes, long lookupsPerSample, long bytesReadPerSample, Set<String> nodeNames) {
    public Embeddings { nodeNames = Set.copyOf(nodeNames); }
  }

  /** The embedding tables and lookups of the model's graph; all zero for a graph without any. */
  public static Embeddings embeddings(OnnxMl.ModelProto model) {
    OnnxMl.GraphProto g = model.getGraph();
    Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
    for (OnnxMl.TensorProto t : g.getInitializerList()) inits.put(t.getName(), t);
    Map<String, OnnxMl.TensorShapeProto> shapes = shapes(g);
    Set<String> tables = new java.util.LinkedHashSet<>();
    Set<String> lookupOutputs = new java.util.HashSet<>();
    Set<String> names = new java.util.HashSet<>();
    long rows = 0, bytes = 0, lookups = 0, read = 0;
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Gather") && inits.containsKey(n.getInput(0)) && inits.get(n.getInput(0)).getDimsCount() == 2 && intAttr(n, "axis", 0) == 0) {
        OnnxMl.TensorProto t = inits.get(n.getInput(0));
        long rowBytes = initializerBytes(t) / Math.max(1, t.getDims(0));
        if (tables.add(t.getName())) {
          rows += t.getDims(0);
          bytes += initializerBytes(t);
        }
        long l = product(concrete(shapes, n.getInput(1), n));
        lookups += l;
        read += l * rowBytes;
        lookupOutputs.add(n.getOutput(0));
        names.add(n.getName());
      } else if (n.getOpType().equals("ReduceSum") && lookupOutputs.contains(n.getInput(0))) {
        names.add(n.getName());
      }
    }
    return new Embeddings(tables.size(), rows, bytes, lookups, read, names);
  }

  /**
   * Average width of the heavy-op graph (SYSTEMS.md section 6): heavy ops (conv, fc, recurrent, embedding lookups)
   * divided by the depth of the longest chain of heavy ops.
   */
  public static double averageWidth(OnnxMl.ModelProto model) {
    OnnxMl.GraphProto g = model.getGraph();
    // heavy depth reaching each value: max over producers' inputs, +1 when the producer is heavy
    Map<String, Integer> depth = new HashMap<>();
    int heavy = 0, maxDepth = 0;
    for (OnnxMl.NodeProto n : g.getNodeList()) { // ONNX nodes are topologically sorted
      int in = 0;
      for (String i : n.getInputList()) in = Math.max(in, depth.getOrDefault(i, 0));
      boolean isHeavy = isHeavy(n.getOpType());
      int d = in + (isHeavy ? 1 : 0);
      if (isHeavy) heavy++;
      maxDepth = Math.max(maxDepth, d);
      for (String o : n.getOutputList()) depth.put(o, d);
    }
    return maxDepth == 0 ? 0 : (double) heavy / maxDepth;
  }

  /** True for the ops that count as heavy in the width calculation. */
  public static boolean isHeavy(String opType) {
    return CONV.contains(opType) || FC.contains(opType) || RECURRENT_GATES.containsKey(opType) || HEAVY_EXTRA.contains(opType);
  }

  private static long convMacs(OnnxMl.NodeProto n, Map<String, OnnxMl.TensorShapeProto> shapes) {
    String w = n.getInput(n.getOpType().equals("QLinearConv") ? 3 : 1);
    long[] ws = concrete(shapes, w, n);
    long[] out = concrete(shapes, n.getOutput(0), n);
    long k = 1;
    for (int i = 1; i < ws.length; i++) k *= ws[i]; // (in_c / group) x k_h x k_w
    return product(out) * k;
  }

  private static long fcMacs(OnnxMl.NodeProto n, Map<String, OnnxMl.TensorShapeProto> shapes) {
    String op = n.getOpType();
    String b = n.getInput(op.equals("QLinearMatMul") ? 3 : 1);
    long[] bs = concrete(shapes, b, n);
    boolean transB = op.equals("Gemm") && intAttr(n, "transB", 0) == 1;
    long k = transB ? bs[bs.length - 1] : bs[Math.max(0, bs.length - 2)];
    return product(concrete(shapes, n.getOutput(0), n)) * k;
  }

  private static long recurrentMacs(OnnxMl.NodeProto n, Map<String, OnnxMl.TensorShapeProto> shapes, int gates) {
    OnnxMl.TensorShapeProto xs = shape(shapes, n.getInput(0), n);
    long[] ws = concrete(shapes, n.getInput(1), n); // [dirs, gates*H, in]
    long hidden = intAttr(n, "hidden_size", ws[1] / gates);
    int seqAxis = intAttr(n, "layout", 0) == 1 ? 1 : 0;
    OnnxMl.TensorShapeProto.Dimension seqDim = xs.getDim(seqAxis);
    if (!seqDim.hasDimValue()) throw new IllegalArgumentException(n.getOpType() + " node " + n.getName() + " has a symbolic sequence length");
    return seqDim.getDimValue() * ws[0] * gates * hidden * (ws[2] + hidden);
  }

  private static long intAttr(OnnxMl.NodeProto n, String name, long dflt) {
    for (OnnxMl.AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
    return dflt;
  }

  private static Map<String, OnnxMl.TensorShapeProto> shapes(OnnxMl.GraphProto g) {
    Map<String, OnnxMl.TensorShapeProto> m = new HashMap<>();
    List<OnnxMl.ValueInfoProto> infos = new ArrayList<>(g.getInputList());
    infos.addAll(g.getValueInfoList());
    infos.addAll(g.getOutputList());
    for (OnnxMl.ValueInfoProto v : infos) {
      if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) m.put(v.getName(), v.getType().getTensorType().getShape());
    }
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
      for (long d : t.getDimsList()) s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      m.put(t.getName(), s.build());
    }
    return m;
  }

  private static OnnxMl.TensorShapeProto shape(Map<String, OnnxMl.TensorShapeProto> shapes, String value, OnnxMl.NodeProto n) {
    OnnxMl.TensorShapeProto s = shapes.get(value);
    if (s == null) throw new IllegalArgumentException("no shape recorded for '" + value + "' used by " + n.getOpType() + " node " + n.getName());
    return s;
  }

  /** The concrete dims of a value, symbolic ones (the batch) dropped. */
  private static long[] concrete(Map<String, OnnxMl.TensorShapeProto> shapes, String value, OnnxMl.NodeProto n) {
    return shape(shapes, value, n).getDimList().stream().filter(OnnxMl.TensorShapeProto.Dimension::hasDimValue)
        .mapToLong(OnnxMl.TensorShapeProto.Dimension::getDimValue).toArray();
  }

  private static long product(long[] dims) {
    long p = 1;
    for (long d : dims) p *= d;
    return p;
  }

  private static long initializerBytes(OnnxMl.TensorProto t) {
    if (t.hasRawData()) return t.getRawData().size();
    long count = product(t.getDimsList().stream().mapToLong(Long::longValue).toArray());
    return count * elemSize(t.getDataType());
  }

  private static int elemSize(int type) {
    return switch (type) {
      case GraphBuilder.UINT8, GraphBuilder.INT8, OnnxMl.TensorProto.DataType.BOOL_VALUE -> 1;
      case OnnxMl.TensorProto.DataType.FLOAT16_VALUE, OnnxMl.TensorProto.DataType.INT16_VALUE, OnnxMl.TensorProto.DataType.UINT16_VALUE -> 2;
      case GraphBuilder.INT64, OnnxMl.TensorProto.DataType.DOUBLE_VALUE, OnnxMl.TensorProto.DataType.UINT64_VALUE -> 8;
      default -> 4;
    };
  }
}
