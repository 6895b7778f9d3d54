package io.testbed.cloud.rec;

import io.testbed.inference.InferenceException;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecOutput;

/**
 * The device behind the accelerator queue: a real ONNX Runtime GPU execution provider ({@link OrtGpuAccelerator}) or
 * the {@link ModelledAccelerator}. Called from the queue's single server thread, one whole query at a time.
 */
public interface Accelerator extends AutoCloseable {
  /** {@code "real"} or {@code "modelled"}: every accelerator result carries it. */
  String source();

  /** One line saying what this accelerator is (for GET /v1/rec/config and the logs). */
  String description();

  /** Runs a whole query; returns once the (modelled) service time has passed. */
  Result run(RecModel model, RecBatch batch) throws InferenceException;

  void warmUp(RecModel model) throws InferenceException;

  @Override
  void close();

  /**
   * What the accelerator did.
   *
   * @param output the outputs; null when a modelled accelerator was told not to compute them
   * @param serviceMs the service time reported for the query
   * @param measuredMs time the computation really took here (0 when nothing was computed)
   * @param modelledMs the modelled service time; null on a real accelerator
   * @param note why the reported time differs from the model (CPU stand-in slower than the modelled device), or null
   */
  record Result(RecOutput output, double serviceMs, double measuredMs, Double modelledMs, String note) {}
}
