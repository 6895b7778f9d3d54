package io.testbed.inference;

import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Precision;
import java.util.List;

/** One model of the zoo: its ONNX graph at each precision and the features read off that graph. */
public interface ZooModel {
  String name();

  /** {@code vision}, {@code mlp} or {@code text}. */
  String family();

  /** Features of the FP32 graph: conv / fc / recurrent layer counts, per-sample MACs, parameter bytes, input shape. */
  ModelFeatures features();

  /** Features of the graph at one precision: same layer counts and MACs, INT8 has about a quarter of the parameter bytes. */
  default ModelFeatures features(Precision p) { return features(); }

  /** FP32 and INT8 for every model. */
  List<Precision> precisions();

  /** The serialised ONNX ModelProto at this precision (a fresh copy). */
  byte[] onnx(Precision p);

  /** Input shape of one sample, without the batch dimension, e.g. {3, 224, 224}. */
  long[] sampleShape();

  /** Number of floats in one sample's input. */
  default int sampleSize() {
    long n = 1;
    for (long d : sampleShape()) n *= d;
    return Math.toIntExact(n);
  }

  /** Average width of the heavy-op graph (SYSTEMS.md section 6), for thread-setting guidelines; 1 when unknown. */
  default double averageGraphWidth() { return 1.0; }

  ModelInfo info();
}
