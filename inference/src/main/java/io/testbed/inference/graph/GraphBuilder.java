package io.testbed.inference.graph;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX {@code ModelProto} op by op while tracking every value's shape, so the graph carries
 * {@code value_info} for all intermediates and its features (MACs) can be read back from it.
 *
 * <p>Shapes are full tensor shapes; {@link #BATCH} stands for the symbolic batch dimension {@code N}.
 * Every op helper validates its inputs' shapes and returns the name of its output.
 */
public final class GraphBuilder {
  /** Marker for the symbolic batch dimension in a shape. */
  public static final long BATCH = -1;
  /** Name of the symbolic batch dimension in the serialised graph. */
  public static final String BATCH_PARAM = "N";
  public static final int OPSET = 17;
  public static final long IR_VERSION = 8;

  public static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
  public static final int UINT8 = OnnxMl.TensorProto.DataType.UINT8_VALUE;
  public static final int INT8 = OnnxMl.TensorProto.DataType.INT8_VALUE;
  public static final int INT32 = OnnxMl.TensorProto.DataType.INT32_VALUE;
  public static final int INT64 = OnnxMl.TensorProto.DataType.INT64_VALUE;

  private record Value(long[] shape, int elemType) {}

  private final String graphName;
  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
  private final Map<String, Value> values = new LinkedHashMap<>();
  private final Map<String, Integer> counters = new HashMap<>();
  private final List<String> inputs = new ArrayList<>();
  private final List<String> initializers = new ArrayList<>();

  public GraphBuilder(String graphName) {
    this.graphName = graphName;
    graph.setName(graphName);
  }

  /** A fresh value name with the given prefix: {@code conv_0}, {@code conv_1}, ... */
  public String fresh(String prefix) {
    int n = counters.merge(prefix, 1, Integer::sum) - 1;
    return prefix + "_" + n;
  }

  public long[] shape(String value) { return require(value).shape().clone(); }

  public int elemType(String value) { return require(value).elemType(); }

  // ---------------------------------------------------------------- inputs, initializers, outputs

  /** A graph input; use {@link #BATCH} for the batch dimension. */
  public String input(String name, int elemType, long... shape) {
    declare(name, shape, elemType);
    inputs.add(name);
    graph.addInput(valueInfo(name, shape, elemType));
    return name;
  }

  public String initFloat(String name, float[] data, long... dims) {
    checkCount(name, data.length, dims);
    ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    return initRaw(name, FLOAT, buf.array(), dims);
  }

  /**
   * A float initializer from little-endian bytes, wrapped without a copy (large embedding tables): the caller must not
   * change the array afterwards.
   */
  public String initFloatBytes(String name, byte[] littleEndian, long... dims) {
    long n = 1;
    for (long d : dims) n *= d;
    if (n * 4 != littleEndian.length) {
      throw new IllegalArgumentException("initializer " + name + " has " + littleEndian.length + " bytes, dims " + Arrays.toString(dims) + " need " + n * 4);
    }
    declare(name, dims, FLOAT);
    initializers.add(name);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
        .setRawData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(littleEndian));
    for (long d : dims) t.addDims(d);
    graph.addInitializer(t);
    return name;
  }

  public String initInt8(String name, byte[] data, long... dims) {
    checkCount(name, data.length, dims);
    return initRaw(name, INT8, data.clone(), dims);
  }

  public String initUint8(String name, byte[] data, long... dims) {
    checkCount(name, data.length, dims);
    return initRaw(name, UINT8, data.clone(), dims);
  }

  public String initInt32(String name, int[] data, long... dims) {
    checkCount(name, data.length, dims);
    ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asIntBuffer().put(data);
    return initRaw(name, INT32, buf.array(), dims);
  }

  public String initInt64(String name, long[] data, long... dims) {
    checkCount(name, data.length, dims);
    ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(data);
    return initRaw(name, INT64, buf.array(), dims);
  }

  private String initRaw(String name, int elemType, byte[] raw, long[] dims) {
    declare(name, dims, elemType);
    initializers.add(name);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(elemType).setRawData(ByteString.copyFrom(raw));
    for (long d : dims) t.addDims(d);
    graph.addInitializer(t);
    return name;
  }

  /** Marks a value as a graph output. */
  public void output(String value) {
    Value v = require(value);
    graph.addOutput(valueInfo(value, v.shape(), v.elemType()));
  }

  /** The finished model: default domain opset {@value #OPSET}, IR version {@value #IR_VERSION}. */
  public OnnxMl.ModelProto build() {
    if (graph.getOutputCount() == 0) throw new IllegalStateException("graph '" + graphName + "' has no output");
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("io.testbed.inference")
        .setProducerVersion("0.1.0")
        .setDomain("io.testbed")
        .setModelVersion(1)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph.build())
        .build();
  }

  // ---------------------------------------------------------------- generic node

  /** Adds one node with one output whose shape and type the caller states; value_info is recorded for it. */
  public String node(String opType, List<String> nodeInputs, List<OnnxMl.AttributeProto> attrs, long[] outShape, int outElemType) {
    String out = fresh(opType.toLowerCase(java.util.Locale.ROOT));
    nodeMulti(opType, nodeInputs, attrs, List.of(out), List.of(outShape), List.of(outElemType));
    return out;
  }

  /** Adds one node with several outputs; an empty input name marks an omitted optional input. */
  public void nodeMulti(
      String opType, List<String> nodeInputs, List<OnnxMl.AttributeProto> attrs, List<String> outs, List<long[]> outShapes, List<Integer> outTypes) {
    for (String in : nodeInputs) if (!in.isEmpty()) require(in);
    OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(fresh("n_" + opType));
    n.addAllInput(nodeInputs);
    for (int i = 0; i < outs.size(); i++) {
      declare(outs.get(i), outShapes.get(i), outTypes.get(i));
      n.addOutput(outs.get(i));
      graph.addValueInfo(valueInfo(outs.get(i), outShapes.get(i), outTypes.get(i)));
    }
    n.addAllAttribute(attrs);
    graph.addNode(n);
  }

  public static OnnxMl.AttributeProto attr(String name, long v) {
    return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(v).build();
  }

  public static OnnxMl.AttributeProto attr(String name, long... v) {
    OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long x : v) a.addInts(x);
    return a.build();
  }

  public static OnnxMl.AttributeProto attrString(String name, String v) {
    return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v)).build();
  }

  // ---------------------------------------------------------------- typed ops (shapes computed here)

  /** Conv (NCHW) with square kernel, symmetric padding; {@code bias} may be null. */
  public String conv(String x, String w, String bias, int stride, int pad, int group) {
    long[] xs = shape4(x);
    long[] ws = require(w).shape();
    checkConv(x, xs, w, ws, group);
    List<String> in = bias == null ? List.of(x, w) : List.of(x, w, bias);
    return node("Conv", in, convAttrs(ws, stride, pad, group), convOut(xs, ws, stride, pad), FLOAT);
  }

  private void checkConv(String x, long[] xs, String w, long[] ws, int group) {
    if (ws.length != 4) throw new IllegalArgumentException("conv weight " + w + " must be 4-D, is " + Arrays.toString(ws));
    if (xs[1] != ws[1] * group || ws[0] % group != 0) {
      throw new IllegalArgumentException("conv " + x + " " + Arrays.toString(xs) + " does not fit weight " + w + " " + Arrays.toString(ws) + " with group " + group);
    }
  }

  private static List<OnnxMl.AttributeProto> convAttrs(long[] ws, int stride, int pad, int group) {
    return List.of(
        attr("kernel_shape", ws[2], ws[3]), attr("strides", stride, stride), attr("pads", pad, pad, pad, pad), attr("group", (long) group));
  }

  private static long[] convOut(long[] xs, long[] ws, int stride, int pad) {
    return new long[] {xs[0], ws[0], (xs[2] + 2L * pad - ws[2]) / stride + 1, (xs[3] + 2L * pad - ws[3]) / stride + 1};
  }

  public String maxPool(String x, int kernel, int stride, int pad) {
    long[] xs = shape4(x);
    long[] out = {xs[0], xs[1], (xs[2] + 2L * pad - kernel) / stride + 1, (xs[3] + 2L * pad - kernel) / stride + 1};
    return node("MaxPool", List.of(x), List.of(attr("kernel_shape", kernel, kernel), attr("strides", stride, stride), attr("pads", pad, pad, pad, pad)), out, FLOAT);
  }

  public String globalAveragePool(String x) {
    long[] xs = shape4(x);
    return node("GlobalAveragePool", List.of(x), List.of(), new long[] {xs[0], xs[1], 1, 1}, FLOAT);
  }

  /** Flatten with axis 1: [N, a, b, ...] to [N, a*b*...]. */
  public String flatten(String x) {
    long[] xs = require(x).shape();
    long rest = 1;
    for (int i = 1; i < xs.length; i++) rest *= xs[i];
    return node("Flatten", List.of(x), List.of(attr("axis", 1L)), new long[] {xs[0], rest}, elemType(x));
  }

  public String relu(String x) { return node("Relu", List.of(x), List.of(), shape(x), FLOAT); }

  /** Add with numpy broadcasting. */
  public String add(String a, String b) { return node("Add", List.of(a, b), List.of(), broadcast("Add", a, b), elemType(a)); }

  public String concat(int axis, List<String> parts) {
    long[] out = shape(parts.get(0));
    long sum = 0;
    for (String p : parts) {
      long[] s = require(p).shape();
      if (s.length != out.length) throw new IllegalArgumentException("concat rank mismatch at " + p);
      for (int i = 0; i < s.length; i++) {
        if (i != axis && s[i] != out[i]) throw new IllegalArgumentException("concat " + p + " " + Arrays.toString(s) + " vs " + Arrays.toString(out));
      }
      sum += s[axis];
    }
    out[axis] = sum;
    return node("Concat", parts, List.of(attr("axis", (long) axis)), out, elemType(parts.get(0)));
  }

  /** MatMul of [.., K] by [K, M]. */
  public String matMul(String a, String b) {
    return node("MatMul", List.of(a, b), List.of(), matMulOut(a, b), FLOAT);
  }

  private long[] matMulOut(String a, String b) {
    long[] as = require(a).shape();
    long[] bs = require(b).shape();
    if (bs.length != 2 || as[as.length - 1] != bs[0]) {
      throw new IllegalArgumentException("matmul " + a + " " + Arrays.toString(as) + " by " + b + " " + Arrays.toString(bs));
    }
    long[] out = as.clone();
    out[out.length - 1] = bs[1];
    return out;
  }

  public String transpose(String x, long... perm) {
    long[] xs = require(x).shape();
    long[] out = new long[perm.length];
    for (int i = 0; i < perm.length; i++) out[i] = xs[(int) perm[i]];
    return node("Transpose", List.of(x), List.of(attr("perm", perm)), out, elemType(x));
  }

  /** Squeeze the given axes (opset 13+: axes as an int64 input). */
  public String squeeze(String x, long... axes) {
    long[] xs = require(x).shape();
    String axesName = initInt64(fresh("squeeze_axes"), axes, axes.length);
    List<Long> out = new ArrayList<>();
    outer:
    for (int i = 0; i < xs.length; i++) {
      for (long a : axes) {
        if (a == i) {
          if (xs[i] != 1) throw new IllegalArgumentException("cannot squeeze axis " + i + " of " + Arrays.toString(xs));
          continue outer;
        }
      }
      out.add(xs[i]);
    }
    return node("Squeeze", List.of(x, axesName), List.of(), out.stream().mapToLong(Long::longValue).toArray(), elemType(x));
  }

  /** QuantizeLinear to the zero point's type (uint8 or int8) with a per-tensor scale and zero point. */
  public String quantizeLinear(String x, String scale, String zeroPoint) {
    return node("QuantizeLinear", List.of(x, scale, zeroPoint), List.of(), shape(x), elemType(zeroPoint));
  }

  /** DequantizeLinear with a per-axis (or per-tensor when axis < 0) scale and zero point. */
  public String dequantizeLinear(String xq, String scale, String zeroPoint, int axis) {
    List<OnnxMl.AttributeProto> attrs = axis < 0 ? List.of() : List.of(attr("axis", (long) axis));
    return node("DequantizeLinear", List.of(xq, scale, zeroPoint), attrs, shape(xq), FLOAT);
  }

  /**
   * GRU (time-major X [seq, N, in]) with one direction; returns {Y [seq, 1, N, H], Y_h [1, N, H]}.
   * {@code linear_before_reset = 1}, the form ONNX Runtime's CPU kernel runs fastest.
   */
  public String[] gru(String x, String w, String r, String b, int hidden) {
    long[] xs = require(x).shape();
    long[] ws = require(w).shape();
    long[] rs = require(r).shape();
    if (xs.length != 3 || ws.length != 3 || ws[1] != 3L * hidden || ws[2] != xs[2] || rs[1] != 3L * hidden || rs[2] != hidden) {
      throw new IllegalArgumentException("GRU shapes do not fit: X " + Arrays.toString(xs) + " W " + Arrays.toString(ws) + " R " + Arrays.toString(rs));
    }
    String base = fresh("gru");
    String y = base + "_y", yh = base + "_yh";
    nodeMulti("GRU", List.of(x, w, r, b), List.of(attr("hidden_size", (long) hidden), attr("linear_before_reset", 1L)),
        List.of(y, yh), List.of(new long[] {xs[0], 1, xs[1], hidden}, new long[] {1, xs[1], hidden}), List.of(FLOAT, FLOAT));
    return new String[] {y, yh};
  }

  public String sigmoid(String x) { return node("Sigmoid", List.of(x), List.of(), shape(x), FLOAT); }

  public String softmax(String x, int axis) { return node("Softmax", List.of(x), List.of(attr("axis", (long) axis)), shape(x), FLOAT); }

  /** Elementwise Mul with numpy broadcasting. */
  public String mul(String a, String b) { return node("Mul", List.of(a, b), List.of(), broadcast("Mul", a, b), elemType(a)); }

  /**
   * Gather along {@code axis}: output shape = data[:axis] + indices + data[axis+1:]. With a [rows, dim] table as
   * data and axis 0 this is an embedding lookup.
   */
  public String gather(String data, String indices, int axis) {
    long[] ds = require(data).shape();
    long[] is = require(indices).shape();
    int it = elemType(indices);
    if (it != INT64 && it != INT32) throw new IllegalArgumentException("gather indices " + indices + " must be int32 or int64");
    if (axis < 0 || axis >= ds.length) throw new IllegalArgumentException("gather axis " + axis + " out of range for " + Arrays.toString(ds));
    long[] out = new long[ds.length - 1 + is.length];
    int k = 0;
    for (int i = 0; i < axis; i++) out[k++] = ds[i];
    for (long d : is) out[k++] = d;
    for (int i = axis + 1; i < ds.length; i++) out[k++] = ds[i];
    return node("Gather", List.of(data, indices), List.of(attr("axis", (long) axis)), out, elemType(data));
  }

  /** ReduceSum over the given axes (opset 13+: axes as an int64 input). */
  public String reduceSum(String x, boolean keepDims, long... axes) {
    long[] xs = require(x).shape();
    String axesName = initInt64(fresh("reduce_axes"), axes, axes.length);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      boolean reduced = false;
      for (long a : axes) reduced |= a == i;
      if (!reduced) out.add(xs[i]);
      else if (keepDims) out.add(1L);
    }
    return node("ReduceSum", List.of(x, axesName), List.of(attr("keepdims", keepDims ? 1L : 0L)), out.stream().mapToLong(Long::longValue).toArray(), elemType(x));
  }

  /** Split into {@code parts} equal pieces along a concrete axis (opset 13+: sizes as an int64 input). */
  public String[] split(String x, int axis, int parts) {
    long[] xs = require(x).shape();
    if (xs[axis] == BATCH || xs[axis] % parts != 0) throw new IllegalArgumentException("cannot split axis " + axis + " of " + Arrays.toString(xs) + " into " + parts);
    long each = xs[axis] / parts;
    long[] sizes = new long[parts];
    Arrays.fill(sizes, each);
    String sizesName = initInt64(fresh("split_sizes"), sizes, parts);
    String base = fresh("split");
    List<String> outs = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      outs.add(base + "_" + i);
      long[] s = xs.clone();
      s[axis] = each;
      shapes.add(s);
      types.add(elemType(x));
    }
    nodeMulti("Split", List.of(x, sizesName), List.of(attr("axis", (long) axis)), outs, shapes, types);
    return outs.toArray(String[]::new);
  }

  /** Reshape; a 0 in {@code target} keeps that input dim (the batch), at most one -1 is inferred. */
  public String reshape(String x, long... target) {
    long[] xs = require(x).shape();
    long known = 1, total = 1;
    int infer = -1;
    long[] out = new long[target.length];
    for (int i = 0; i < target.length; i++) {
      if (target[i] == 0) out[i] = xs[i];
      else if (target[i] == -1) {
        if (infer >= 0) throw new IllegalArgumentException("reshape with two -1 dims: " + Arrays.toString(target));
        infer = i;
        continue;
      } else out[i] = target[i];
      if (out[i] != BATCH) known *= out[i];
    }
    for (long d : xs) if (d != BATCH) total *= d;
    if (infer >= 0) out[infer] = total / known;
    else if (total != known) throw new IllegalArgumentException("reshape " + x + " " + Arrays.toString(xs) + " to " + Arrays.toString(target) + " changes the element count");
    String shapeName = initInt64(fresh("reshape_shape"), target, target.length);
    return node("Reshape", List.of(x, shapeName), List.of(), out, elemType(x));
  }

  /** Tile with constant repeats per axis. */
  public String tile(String x, long... repeats) {
    long[] xs = require(x).shape();
    if (repeats.length != xs.length) throw new IllegalArgumentException("tile repeats " + Arrays.toString(repeats) + " do not fit " + Arrays.toString(xs));
    long[] out = xs.clone();
    for (int i = 0; i < xs.length; i++) {
      if (repeats[i] != 1) {
        if (xs[i] == BATCH) throw new IllegalArgumentException("cannot tile the batch axis");
        out[i] = xs[i] * repeats[i];
      }
    }
    String r = initInt64(fresh("tile_repeats"), repeats, repeats.length);
    return node("Tile", List.of(x, r), List.of(), out, elemType(x));
  }

  /** Batched MatMul of [.., M, K] by [.., K, P] with the same leading dims. */
  public String batchMatMul(String a, String b) {
    long[] as = require(a).shape();
    long[] bs = require(b).shape();
    if (as.length != bs.length || as.length < 3 || as[as.length - 1] != bs[bs.length - 2]) {
      throw new IllegalArgumentException("batch matmul " + a + " " + Arrays.toString(as) + " by " + b + " " + Arrays.toString(bs));
    }
    for (int i = 0; i < as.length - 2; i++) {
      if (as[i] != bs[i]) throw new IllegalArgumentException("batch matmul leading dims differ: " + Arrays.toString(as) + " vs " + Arrays.toString(bs));
    }
    long[] out = as.clone();
    out[out.length - 1] = bs[bs.length - 1];
    return node("MatMul", List.of(a, b), List.of(), out, FLOAT);
  }

  // ---------------------------------------------------------------- helpers

  private long[] broadcast(String op, String a, String b) {
    long[] as = require(a).shape();
    long[] bs = require(b).shape();
    int rank = Math.max(as.length, bs.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long da = i < rank - as.length ? 1 : as[i - (rank - as.length)];
      long db = i < rank - bs.length ? 1 : bs[i - (rank - bs.length)];
      if (da == db || db == 1) out[i] = da;
      else if (da == 1) out[i] = db;
      else throw new IllegalArgumentException(op + " cannot broadcast " + a + " " + Arrays.toString(as) + " with " + b + " " + Arrays.toString(bs));
    }
    return out;
  }

  private long[] shape4(String x) {
    long[] s = require(x).shape();
    if (s.length != 4) throw new IllegalArgumentException(x + " must be NCHW, is " + Arrays.toString(s));
    return s;
  }

  private Value require(String name) {
    Value v = values.get(name);
    if (v == null) throw new IllegalArgumentException("unknown value '" + name + "' in graph '" + graphName + "'");
    return v;
  }

  private void declare(String name, long[] shape, int elemType) {
    if (values.putIfAbsent(name, new Value(shape.clone(), elemType)) != null) {
      throw new IllegalArgumentException("value '" + name + "' already defined in graph '" + graphName + "'");
    }
  }

  private static void checkCount(String name, int count, long[] dims) {
    long n = 1;
    for (long d : dims) n *= d;
    if (n != count) throw new IllegalArgumentException("initializer " + name + " has " + count + " elements, dims " + Arrays.toString(dims) + " need " + n);
  }

  /** A ValueInfoProto for a tensor; {@link #BATCH} dims become the symbolic {@value #BATCH_PARAM}. */
  public static OnnxMl.ValueInfoProto valueInfo(String name, long[] shape, int elemType) {
    OnnxMl.TensorShapeProto.Builder sb = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : shape) {
      OnnxMl.TensorShapeProto.Dimension.Builder db = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d == BATCH) db.setDimParam(BATCH_PARAM);
      else db.setDimValue(d);
      sb.addDim(db);
    }
    OnnxMl.TypeProto.Tensor.Builder tb = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(sb);
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(tb)).build();
  }
}
