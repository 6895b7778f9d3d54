package io.testbed.inference.rec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceException;
import io.testbed.inference.SessionCache;
import io.testbed.inference.ThreadSettings;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs recommendation models on ONNX Runtime (CPU EP): one session per model build ({@link RecModel#key()}), created
 * on first use with this engine's {@link ThreadSettings}; thread-safe. A worker pool in which every worker has its
 * own session uses one engine per worker (e.g. {@code ThreadSettings(1, 1, false)} each); co-located models share an
 * engine. Engines given the same {@link SharedTables} hold one copy of each model's embedding tables between them.
 */
public final class RecEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecEngine.class);

  private record Loaded(RecModel model, OrtSession session) {}

  private final ThreadSettings threads;
  private final SharedTables shared;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final SessionCache<String, Loaded> sessions = new SessionCache<>("recommendation engine", Loaded::session);

  public RecEngine(ThreadSettings threads) {
    this(threads, null);
  }

  /**
   * @param shared where this engine's sessions take their embedding tables from (null: each session deserialises
   *     its own copy)
   */
  public RecEngine(ThreadSettings threads, SharedTables shared) {
    if (threads == null) throw new IllegalArgumentException("threads is required");
    this.threads = threads;
    this.shared = shared;
  }

  /** The thread settings every session of this engine is created with. */
  public ThreadSettings threads() { return threads; }

  /** Creates the model's session if needed and runs one uniform item through it. */
  public void warmUp(RecModel model) throws InferenceException {
    run(model, RecInputs.uniform(model, 0).batch(1, 0));
  }

  /**
   * Runs a batch: checks its layout and every row id against the model's tables, then one {@code OrtSession.run}.
   * InferenceException names the problem (layout, row id out of range, runtime error); IllegalStateException after
   * {@link #close()}.
   */
  public RecOutput run(RecModel model, RecBatch batch) throws InferenceException {
    if (model == null || batch == null) throw new InferenceException("model and batch are required");
    check(model, batch);
    sessions.acquire();
    try {
      OrtSession s = session(model);
      Map<String, OnnxTensor> in = new HashMap<>();
      try {
        in.put(RecModel.INDICES, OnnxTensor.createTensor(env, LongBuffer.wrap(batch.indicesShared()),
            new long[] {batch.items(), batch.tables(), batch.lookups()}));
        if (model.denseFeatures() > 0) {
          in.put(RecModel.DENSE, OnnxTensor.createTensor(env, FloatBuffer.wrap(batch.denseShared()), new long[] {batch.items(), batch.denseFeatures()}));
        }
        long start = System.nanoTime();
        try (OrtSession.Result result = s.run(in)) {
          double computeMs = (System.nanoTime() - start) / 1e6;
          OnnxValue out = result.get(0);
          if (!(out instanceof OnnxTensor t) || t.getFloatBuffer() == null) {
            throw new InferenceException("model '" + model.name() + "' produced a non-float output " + out.getInfo());
          }
          FloatBuffer fb = t.getFloatBuffer();
          float[] values = new float[fb.remaining()];
          fb.get(values);
          return new RecOutput(batch.items(), model.outputsPerItem(), values, computeMs, InferenceEngine.digest(values));
        }
      } catch (OrtException e) {
        throw new InferenceException("ONNX Runtime failed on recommendation model '" + model.name() + "': " + e.getMessage(), e);
      } finally {
        in.values().forEach(OnnxTensor::close);
      }
    } finally {
      sessions.release();
    }
  }

  /** Runs a query as sub-requests of at most {@code subBatch} items, one after the other, and merges their outputs. */
  public RecOutput runSplit(RecModel model, RecBatch query, int subBatch) throws InferenceException {
    List<RecBatch> parts = query.split(subBatch);
    List<RecOutput> outs = new java.util.ArrayList<>(parts.size());
    for (RecBatch p : parts) outs.add(run(model, p));
    return RecOutput.concat(outs);
  }

  /** Number of sessions created so far. */
  public int sessionCount() { return sessions.size(); }

  @Override
  public void close() { sessions.close(); }

  private static void check(RecModel m, RecBatch b) throws InferenceException {
    if (b.tables() != m.tables() || b.lookups() != m.lookups() || b.denseFeatures() != m.denseFeatures()) {
      throw new InferenceException("model '" + m.name() + "' expects dense " + m.denseFeatures() + ", " + m.tables() + " tables x " + m.lookups()
          + " lookups per item, the batch has dense " + b.denseFeatures() + ", " + b.tables() + " tables x " + b.lookups() + " lookups");
    }
    long[] idx = b.indicesShared();
    List<Long> rows = m.rows();
    int per = b.indicesPerItem();
    for (int i = 0; i < idx.length; i++) {
      int t = (i % per) / b.lookups();
      if (idx[i] < 0 || idx[i] >= rows.get(t)) {
        throw new InferenceException("model '" + m.name() + "' table " + t + " has " + rows.get(t) + " rows; item " + i / per + " lookup "
            + i % b.lookups() + " asks for row " + idx[i]);
      }
    }
  }

  private OrtSession session(RecModel model) throws InferenceException {
    return sessions.get(model.key(), () -> {
      try (OrtSession.SessionOptions opts = InferenceEngine.sessionOptions(threads)) {
        if (shared != null) shared.addTo(opts, model);
        long start = System.nanoTime();
        OrtSession s = env.createSession(model.onnxShared(), opts);
        log.debug("session for {} created in {} ms with {}", model.key(), (System.nanoTime() - start) / 1_000_000, threads);
        return new Loaded(model, s);
      } catch (OrtException e) {
        throw new InferenceException("ONNX Runtime could not load recommendation model '" + model.name() + "': " + e.getMessage(), e);
      }
    }).session();
  }
}
