package io.testbed.cloud.rec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceException;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecOutput;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real accelerator: ONNX Runtime's CUDA execution provider (needs the {@code onnxruntime_gpu} artifact and a GPU);
 * results are labelled {@code real} and report the measured time.
 */
public final class OrtGpuAccelerator implements Accelerator {
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final int device;
  private final Map<String, OrtSession> sessions = new ConcurrentHashMap<>();

  public OrtGpuAccelerator(int device) {
    this.device = device;
  }

  /** The execution providers this process's ONNX Runtime offers. */
  public static Set<OrtProvider> availableProviders() {
    try {
      return OrtEnvironment.getAvailableProviders();
    } catch (RuntimeException | LinkageError e) {
      return EnumSet.of(OrtProvider.CPU);
    }
  }

  /** Whether a GPU execution provider is available (CUDA). */
  public static boolean available(Set<OrtProvider> providers) { return providers.contains(OrtProvider.CUDA); }

  @Override public String source() { return "real"; }

  @Override public String description() { return "ONNX Runtime CUDA execution provider, device " + device; }

  @Override
  public synchronized Result run(RecModel model, RecBatch batch) throws InferenceException {
    OrtSession s = session(model);
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      in.put(RecModel.INDICES, OnnxTensor.createTensor(env, LongBuffer.wrap(batch.indices()), new long[] {batch.items(), batch.tables(), batch.lookups()}));
      if (model.denseFeatures() > 0) {
        in.put(RecModel.DENSE, OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.dense()), new long[] {batch.items(), batch.denseFeatures()}));
      }
      long start = System.nanoTime();
      try (OrtSession.Result r = s.run(in)) {
        double ms = (System.nanoTime() - start) / 1e6;
        OnnxValue v = r.get(0);
        if (!(v instanceof OnnxTensor t) || t.getFloatBuffer() == null) throw new InferenceException("non-float output from " + model.name());
        FloatBuffer fb = t.getFloatBuffer();
        float[] values = new float[fb.remaining()];
        fb.get(values);
        RecOutput out = new RecOutput(batch.items(), model.outputsPerItem(), values, ms, InferenceEngine.digest(values));
        return new Result(out, ms, ms, null, null);
      }
    } catch (OrtException e) {
      throw new InferenceException("ONNX Runtime (CUDA) failed on '" + model.name() + "': " + e.getMessage(), e);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  private OrtSession session(RecModel model) throws InferenceException {
    OrtSession s = sessions.get(model.key());
    if (s != null) return s;
    try (OrtSession.SessionOptions opts = InferenceEngine.sessionOptions(ThreadSettings.single())) {
      opts.addCUDA(device);
      s = env.createSession(model.onnx(), opts);
      sessions.put(model.key(), s);
      return s;
    } catch (OrtException e) {
      throw new InferenceException("ONNX Runtime could not load '" + model.name() + "' on CUDA device " + device + ": " + e.getMessage(), e);
    }
  }

  @Override public synchronized void warmUp(RecModel model) throws InferenceException {
    run(model, io.testbed.inference.rec.RecInputs.uniform(model, 0).batch(1, 0));
  }

  @Override public synchronized void close() {
    for (OrtSession s : sessions.values()) {
      try {
        s.close();
      } catch (OrtException e) {
        // closing anyway
      }
    }
    sessions.clear();
  }
}
