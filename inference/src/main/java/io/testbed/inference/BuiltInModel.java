package io.testbed.inference;

import ai.onnx.proto.OnnxMl;
import io.testbed.inference.graph.GraphFeatures;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A zoo model built from its {@link Models.Definition}; each precision's graph is built on first use and cached. */
final class BuiltInModel implements ZooModel {
  private static final List<Precision> PRECISIONS = List.of(Precision.FP32, Precision.INT8);

  private record Built(byte[] onnx, ModelFeatures features, double width) {}

  private final Models.Definition def;
  private final Map<Precision, Built> built = new EnumMap<>(Precision.class);

  BuiltInModel(Models.Definition def) { this.def = def; }

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
    return built.computeIfAbsent(p, this::build);
  }

  private Built build(Precision p) {
    Layers l = new Layers(def.name() + "_" + p.wireName(), p, def.seed());
    String x = Models.input(l.g, def.sampleShape());
    l.g.output(def.body().apply(l, x));
    OnnxMl.ModelProto model = l.g.build();
    return new Built(model.toByteArray(), GraphFeatures.of(model), GraphFeatures.averageWidth(model));
  }
}
