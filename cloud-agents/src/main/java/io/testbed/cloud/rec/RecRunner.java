package io.testbed.cloud.rec;

import io.testbed.inference.InferenceException;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecEngine;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecOutput;
import io.testbed.inference.rec.SharedTables;

/**
 * Port to what runs a batch of a recommendation model for one worker: by default a {@link RecEngine} of its own (its
 * own ONNX Runtime session per model); tests put slow or failing runners here.
 */
public interface RecRunner extends AutoCloseable {
  RecOutput run(RecModel model, RecBatch batch) throws InferenceException;

  /** Creates the model's session and runs it once. */
  void warmUp(RecModel model) throws InferenceException;

  @Override
  void close();

  /** A runner on its own {@link RecEngine} (own sessions and tables) with these thread settings. */
  static RecRunner onnxRuntime(ThreadSettings threads) {
    return onnxRuntime(threads, null);
  }

  /**
   * A runner on its own {@link RecEngine} (own sessions) whose sessions take their embedding tables from
   * {@code shared} (null: their own copy).
   */
  static RecRunner onnxRuntime(ThreadSettings threads, SharedTables shared) {
    RecEngine engine = new RecEngine(threads, shared);
    return new RecRunner() {
      @Override public RecOutput run(RecModel model, RecBatch batch) throws InferenceException { return engine.run(model, batch); }

      @Override public void warmUp(RecModel model) throws InferenceException { engine.warmUp(model); }

      @Override public void close() { engine.close(); }
    };
  }

  /** Makes the runner of worker {@code worker} for model instance {@code instance} (co-location copies). */
  @FunctionalInterface
  interface Factory {
    RecRunner create(int worker, int instance);
  }
}
