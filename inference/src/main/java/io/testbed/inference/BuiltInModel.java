package io.testbed.inference;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.testbed.inference.graph.GraphBuilder;
import io.testbed.inference.graph.GraphFeatures;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import java.nio.FloatBuffer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A zoo model built from its {@link Models.Definition}; each precision's graph is built on first use and cached.
 * INT8 is calibrated on the FP32 graph: ONNX Runtime runs over {@value #CALIBRATION_BATCH} synthetic samples
 * (seed {@value #CALIBRATION_SEED}) give the [min, max] of every activation.
 */
final class BuiltInModel implements ZooModel {
  private static final List<Precision> PRECISIONS = List.of(Precision.FP32, Precision.INT8);
  static final int CALIBRATION_BATCH = 16;
  static final int CALIBRATION_CHUNK = 4;
  static final long CALIBRATION_SEED = -1;

  private record Built(byte[] onnx, ModelFeatures features, double width) {}

  private final Models.Definition def;
  private final ModelCache cache;
  private final Map<Precision, Built> built = new EnumMap<>(Precision.class);

  BuiltInModel(Models.Definition def, ModelCache cache) {
    this.def = def;
    this.cache = cache;
  }

  @Override public String name() { return def.name(); }

  @Override public String family() { return def.family(); }

  @Override public ModelFeatures features() { return built(Precision.FP32).features(); }

  @Override public ModelFeatures features(Precision p) { return built(p).features(); }

  @Override public List<Precision> precisions() { return PRECISIONS; }

  @Override public byte[] onnx(Precision p) { return built(p).onnx().clone(); }

  /** The cached bytes without copying, for the engine. */
  byte[] onnxShared(Precision p) { return built(p).onnx(); }

  @Override public long[] sampleShape() { return def.sampleShape().clone(); }

  @Override public double averageGraphWidth() { return built(Precision.FP32).width(); }

  @Override public ModelInfo info() { return new ModelInfo(def.name(), def.family(), PRECISIONS, features()); }

  @Override public String toString() { return "ZooModel[" + def.name() + "]"; }

  private synchronized Built built(Precision p) {
    if (p == null) throw new IllegalArgumentException("precision is required");
    Built b = built.get(p);
    if (b == null) {
      b = build(p);
      built.put(p, b);
    }
    return b;
  }

  /** From the host's model cache when it holds this graph, else built (and stored there). */
  private Built build(Precision p) {
    byte[] bytes = cache.getOrBuild(def.name(), p, () -> graph(p).toByteArray());
    OnnxMl.ModelProto model;
    try {
      model = OnnxMl.ModelProto.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("graph of " + def.name() + " (" + p.wireName() + ") does not parse: " + e.getMessage(), e);
    }
    return new Built(bytes, GraphFeatures.of(model), GraphFeatures.averageWidth(model));
  }

  private OnnxMl.ModelProto graph(Precision p) {
    Map<String, float[]> ranges = p == Precision.INT8 ? calibrate(built(Precision.FP32).onnx()) : null;
    Layers l = new Layers(def.name() + "_" + p.wireName(), p, def.seed(), ranges);
    String x = Models.input(l.g, def.sampleShape());
    l.g.output(def.body().apply(l, x));
    return l.g.build();
  }

  /** [min, max] of the input and every float intermediate of the FP32 graph over the calibration batch. */
  private Map<String, float[]> calibrate(byte[] fp32) {
    OnnxMl.ModelProto model;
    try {
      model = OnnxMl.ModelProto.parseFrom(fp32);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("own FP32 graph of " + def.name() + " does not parse", e);
    }
    OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
    Set<String> outputs = new HashSet<>();
    g.getOutputList().forEach(o -> outputs.add(o.getName()));
    for (OnnxMl.ValueInfoProto v : model.getGraph().getValueInfoList()) {
      if (v.getType().getTensorType().getElemType() == GraphBuilder.FLOAT && outputs.add(v.getName())) g.addOutput(v);
    }
    byte[] probe = model.toBuilder().setGraph(g).build().toByteArray();
    float[] x = InferenceEngine.syntheticInput(this, CALIBRATION_BATCH, CALIBRATION_SEED);
    long[] shape = new long[def.sampleShape().length + 1];
    shape[0] = CALIBRATION_CHUNK; // a few samples per run: every intermediate of the run is held at once
    System.arraycopy(def.sampleShape(), 0, shape, 1, def.sampleShape().length);
    int chunkFloats = CALIBRATION_CHUNK * sampleSize();
    Map<String, float[]> ranges = new HashMap<>();
    ranges.put("input", minMax(FloatBuffer.wrap(x), null));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // keep every intermediate as written
      o.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(probe, o)) {
        for (int from = 0; from < x.length; from += chunkFloats) {
          try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, from, chunkFloats), shape);
              OrtSession.Result r = session.run(Map.of("input", in))) {
            for (Map.Entry<String, OnnxValue> e : r) ranges.put(e.getKey(), minMax(((OnnxTensor) e.getValue()).getFloatBuffer(), ranges.get(e.getKey())));
          }
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("calibrating INT8 " + def.name() + " failed: " + e.getMessage(), e);
    }
    return ranges;
  }

  private static float[] minMax(FloatBuffer b, float[] so) {
    float lo = so == null ? Float.POSITIVE_INFINITY : so[0], hi = so == null ? Float.NEGATIVE_INFINITY : so[1];
    while (b.hasRemaining()) {
      float v = b.get();
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new float[] {lo, hi};
  }
}
