package io.testbed.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.testbed.protocol.Precision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs zoo models on ONNX Runtime (CPU EP), one cached OrtSession per (model, precision); thread-safe. */
public final class InferenceEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InferenceEngine.class);

  private record Key(String model, Precision precision) {}

  private record Loaded(OrtSession session, String inputName, long[] sampleShape, int sampleSize) {}

  private final ModelZoo zoo;
  private final ThreadSettings threads;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final SessionCache<Key, Loaded> sessions = new SessionCache<>("inference engine", Loaded::session);

  public InferenceEngine(ModelZoo zoo, ThreadSettings threads) {
    if (zoo == null) throw new IllegalArgumentException("zoo is required");
    if (threads == null) throw new IllegalArgumentException("threads is required");
    this.zoo = zoo;
    this.threads = threads;
  }

  public ModelZoo zoo() { return zoo; }

  /** The thread settings every session of this engine is created with. */
  public ThreadSettings threads() { return threads; }

  /** Creates the session for (model, precision) if needed and runs it once on a synthetic sample. */
  public void warmUp(String model, Precision p) throws InferenceException {
    ZooModel m = modelOrThrow(model);
    run(model, p, syntheticInput(m, 1, 0), 1);
  }

  /** Runs a batch given as {@code batchSize x sampleSize} floats, sample after sample. */
  public InferenceOutput run(String model, Precision p, float[] input, int batchSize) throws InferenceException {
    if (input == null) throw new InferenceException("input is required");
    return run(model, p, FloatBuffer.wrap(input), batchSize);
  }

  /** Runs a batch read from the buffer's remaining floats (a direct buffer in native order is used without a copy). */
  public InferenceOutput run(String model, Precision p, FloatBuffer input, int batchSize) throws InferenceException {
    if (input == null) throw new InferenceException("input is required");
    if (p == null) throw new InferenceException("precision is required for model '" + model + "'");
    if (batchSize <= 0) throw new InferenceException("batchSize must be > 0, was " + batchSize);
    sessions.acquire();
    try {
      Loaded s = session(model, p);
      long expected = (long) batchSize * s.sampleSize();
      if (input.remaining() != expected) {
        throw new InferenceException("model '" + model + "' expects " + expected + " input floats (batch " + batchSize + " x sample shape "
            + Arrays.toString(s.sampleShape()) + " = " + s.sampleSize() + " each), got " + input.remaining());
      }
      long[] shape = new long[s.sampleShape().length + 1];
      shape[0] = batchSize;
      System.arraycopy(s.sampleShape(), 0, shape, 1, s.sampleShape().length);
      try (OnnxTensor tensor = OnnxTensor.createTensor(env, nativeOrder(input), shape)) {
        long start = System.nanoTime();
        try (OrtSession.Result result = s.session().run(Map.of(s.inputName(), tensor))) {
          double computeMs = (System.nanoTime() - start) / 1e6;
          OnnxValue out = result.get(0);
          if (!(out instanceof OnnxTensor t)) throw new InferenceException("model '" + model + "' produced a non-tensor output " + out.getType());
          FloatBuffer fb = t.getFloatBuffer();
          if (fb == null) throw new InferenceException("model '" + model + "' produced a non-float output " + t.getInfo());
          float[] values = new float[fb.remaining()];
          fb.get(values);
          return new InferenceOutput(values, t.getInfo().getShape(), computeMs, digest(values));
        }
      } catch (OrtException e) {
        throw new InferenceException("ONNX Runtime failed on model '" + model + "' (" + p.wireName() + "): " + e.getMessage(), e);
      }
    } finally {
      sessions.release();
    }
  }

  /**
   * Deterministic synthetic input for (model, batch, seed): sample i depends only on (model, seed, i), so a batch
   * of 4 starts with the batch of 1. Images ~ N(0, 1) (normalised pixels), MLP inputs uniform [0, 1), text
   * embeddings ~ N(0, 0.5).
   */
  public static float[] syntheticInput(ZooModel m, int batchSize, long seed) {
    if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
    int per = m.sampleSize();
    float[] x = new float[Math.multiplyExact(batchSize, per)];
    long base = seed * 0x9E3779B97F4A7C15L + m.name().hashCode();
    for (int s = 0; s < batchSize; s++) {
      SplittableRandom r = new SplittableRandom(base + 0x632BE59BD9B4E019L * (s + 1));
      int from = s * per;
      switch (m.family()) {
        case "vision" -> image(r, x, from, m.sampleShape());
        case "mlp" -> { for (int i = from; i < from + per; i++) x[i] = (float) r.nextDouble(); }
        default -> { for (int i = from; i < from + per; i++) x[i] = (float) (r.nextGaussian() * 0.5); }
      }
    }
    return x;
  }

  /**
   * A normalised image [C, H, W]: per channel a brightness offset, a horizontal and a vertical gradient (the low
   * frequencies real images have, so samples differ in more than noise), plus pixel noise; values stay in about +-3.
   */
  private static void image(SplittableRandom r, float[] x, int from, long[] shape) {
    int c = (int) shape[0], h = (int) shape[1], w = (int) shape[2];
    for (int ch = 0; ch < c; ch++) {
      double offset = r.nextGaussian() * 0.8, gx = r.nextGaussian() * 0.8, gy = r.nextGaussian() * 0.8, noise = 0.3 + r.nextDouble() * 0.5;
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double v = offset + gx * (j / (w - 1.0) - 0.5) + gy * (i / (h - 1.0) - 0.5) + noise * r.nextGaussian();
          x[from + (ch * h + i) * w + j] = (float) v;
        }
      }
    }
  }

  /** The ONNX Runtime version loaded (e.g. 1.29.0). */
  public static String onnxRuntimeVersion() { return OrtEnvironment.getEnvironment().getVersion(); }

  /** First 16 hex chars of SHA-256 over the floats as little-endian bytes. */
  public static String digest(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array())).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  /** A view the runtime reads correctly: heap buffers are copied by ORT, direct ones must be in native byte order. */
  private static FloatBuffer nativeOrder(FloatBuffer input) {
    FloatBuffer in = input.duplicate();
    if (!in.isDirect() || in.order() == ByteOrder.nativeOrder()) return in;
    FloatBuffer copy = ByteBuffer.allocateDirect(in.remaining() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    copy.put(in).flip();
    return copy;
  }

  /** Number of sessions created so far. */
  public int sessionCount() { return sessions.size(); }

  @Override
  public void close() { sessions.close(); }

  private ZooModel modelOrThrow(String model) throws InferenceException {
    try {
      return zoo.model(model);
    } catch (IllegalArgumentException e) {
      throw new InferenceException(e.getMessage(), e);
    }
  }

  private Loaded session(String model, Precision p) throws InferenceException {
    ZooModel m = modelOrThrow(model);
    return sessions.get(new Key(model, p), () -> create(m, p));
  }

  private Loaded create(ZooModel m, Precision p) throws InferenceException {
    if (!m.precisions().contains(p)) throw new InferenceException("model '" + m.name() + "' has no " + p.wireName() + " variant (has " + m.precisions() + ")");
    byte[] bytes = m instanceof BuiltInModel b ? b.onnxShared(p) : m.onnx(p);
    try (OrtSession.SessionOptions opts = sessionOptions(threads)) {
      long start = System.nanoTime();
      OrtSession session = env.createSession(bytes, opts);
      log.debug("session for {} ({}) created in {} ms with {}", m.name(), p.wireName(), (System.nanoTime() - start) / 1_000_000, threads);
      String inputName = session.getInputNames().iterator().next();
      return new Loaded(session, inputName, m.sampleShape(), m.sampleSize());
    } catch (OrtException e) {
      throw new InferenceException("ONNX Runtime could not load model '" + m.name() + "' (" + p.wireName() + "): " + e.getMessage(), e);
    }
  }

  /**
   * Session options for these thread settings. Spinning is turned off: idle pool threads would otherwise busy-wait
   * and steal the cores that co-located emulated devices and the interference generator measure. Public so other
   * session owners (the recommendation engine) create sessions the same way; the caller closes the options.
   */
  public static OrtSession.SessionOptions sessionOptions(ThreadSettings t) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    try {
      o.setIntraOpNumThreads(t.intraOpThreads());
      o.setInterOpNumThreads(t.interOpThreads());
      o.setExecutionMode(t.parallelExecution() ? OrtSession.SessionOptions.ExecutionMode.PARALLEL : OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.addConfigEntry("session.intra_op.allow_spinning", "0");
      o.addConfigEntry("session.inter_op.allow_spinning", "0");
      return o;
    } catch (OrtException | RuntimeException e) {
      o.close();
      throw e;
    }
  }
}
