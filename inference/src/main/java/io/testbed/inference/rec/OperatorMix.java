package io.testbed.inference.rec;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceException;
import io.testbed.inference.ThreadSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a recommendation model spends its inference time: embedding (the table lookups and their pooling) vs FC
 * (MatMul/Gemm and their fused forms, GRU) vs everything else (concat, activations, split, reshape...), measured with
 * ONNX Runtime's profiler (SYSTEMS.md section 2: RMC1/RMC2 embedding-bound, RMC3/WnD/MT-WnD FC-bound).
 *
 * @param embeddingMs kernel time of the embedding nodes, summed over the measured runs
 * @param fcMs kernel time of the FC-type nodes
 * @param otherMs kernel time of all other nodes
 * @param runs measured runs (after the warm-up run, which is left out)
 * @param msByOp kernel time per op type, embedding nodes under {@code embedding:<op>}
 */
public record OperatorMix(double embeddingMs, double fcMs, double otherMs, int runs, Map<String, Double> msByOp) {
  /** Op types that count as FC work, including ONNX Runtime's fused forms. */
  public static final Set<String> FC_OPS = Set.of(
      "MatMul", "Gemm", "FusedGemm", "FusedMatMul", "MatMulInteger", "QLinearMatMul", "DynamicQuantizeMatMul", "GRU", "LSTM", "RNN");

  public OperatorMix {
    msByOp = Collections.unmodifiableMap(new TreeMap<>(msByOp));
  }

  public double totalMs() { return embeddingMs + fcMs + otherMs; }

  public double embeddingShare() { return share(embeddingMs); }

  public double fcShare() { return share(fcMs); }

  public double otherShare() { return share(otherMs); }

  private double share(double ms) { return totalMs() == 0 ? 0 : ms / totalMs(); }

  /**
   * Profiles {@code runs} runs of the batch (after one warm-up run) on a fresh session with profiling on and the given
   * thread settings, then parses the trace. The trace file is deleted afterwards.
   */
  public static OperatorMix measure(RecModel model, RecBatch batch, int runs, ThreadSettings threads) throws InferenceException {
    if (runs <= 0) throw new IllegalArgumentException("runs must be > 0, was " + runs);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Path dir;
    try {
      dir = Files.createTempDirectory("ort-profile");
    } catch (IOException e) {
      throw new UncheckedIOException("no temp dir for the ONNX Runtime profile", e);
    }
    String trace = null;
    try (OrtSession.SessionOptions opts = InferenceEngine.sessionOptions(threads)) {
      opts.enableProfiling(dir.resolve(model.name()).toString());
      try (OrtSession s = env.createSession(model.onnx(), opts)) {
        for (int i = 0; i <= runs; i++) runOnce(env, s, model, batch);
        trace = s.endProfiling();
      }
      return parse(Path.of(trace), model.embeddingNodes(), 1);
    } catch (OrtException e) {
      throw new InferenceException("profiling recommendation model '" + model.name() + "' failed: " + e.getMessage(), e);
    } finally {
      deleteQuietly(dir, trace);
    }
  }

  private static void runOnce(OrtEnvironment env, OrtSession s, RecModel m, RecBatch b) throws OrtException {
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      in.put(RecModel.INDICES, OnnxTensor.createTensor(env, LongBuffer.wrap(b.indicesShared()), new long[] {b.items(), b.tables(), b.lookups()}));
      if (m.denseFeatures() > 0) in.put(RecModel.DENSE, OnnxTensor.createTensor(env, FloatBuffer.wrap(b.denseShared()), new long[] {b.items(), b.denseFeatures()}));
      s.run(in).close();
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * Parses an ONNX Runtime profile (Chrome trace JSON): sums the {@code dur} (us) of every {@code Node} event named
   * {@code <node>_kernel_time}, skipping those inside the first {@code skipRuns} {@code model_run} events. A node is
   * embedding when its name is in {@code embeddingNodes}, FC when its op type is in {@link #FC_OPS}, other otherwise.
   */
  public static OperatorMix parse(Path profile, Set<String> embeddingNodes, int skipRuns) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(profile.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read ONNX Runtime profile " + profile, e);
    }
    if (root == null || !root.isArray()) throw new IllegalArgumentException("ONNX Runtime profile " + profile + " is not a JSON array of events");
    List<long[]> modelRuns = new ArrayList<>();
    for (JsonNode e : root) {
      if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
        modelRuns.add(new long[] {e.path("ts").asLong(), e.path("ts").asLong() + e.path("dur").asLong()});
      }
    }
    modelRuns.sort((a, b) -> Long.compare(a[0], b[0]));
    long skipUntil = skipRuns > 0 && modelRuns.size() >= skipRuns ? modelRuns.get(skipRuns - 1)[1] : Long.MIN_VALUE;
    int runs = Math.max(0, modelRuns.size() - Math.max(0, skipRuns));
    double emb = 0, fc = 0, other = 0;
    Map<String, Double> byOp = new HashMap<>();
    for (JsonNode e : root) {
      String name = e.path("name").asText();
      if (!"Node".equals(e.path("cat").asText()) || !name.endsWith("_kernel_time") || e.path("ts").asLong() < skipUntil) continue;
      String node = name.substring(0, name.length() - "_kernel_time".length());
      String op = e.path("args").path("op_name").asText("?");
      double ms = e.path("dur").asDouble() / 1000.0;
      String key;
      if (embeddingNodes.contains(node)) {
        emb += ms;
        key = "embedding:" + op;
      } else if (FC_OPS.contains(op)) {
        fc += ms;
        key = op;
      } else {
        other += ms;
        key = op;
      }
      byOp.merge(key, ms, Double::sum);
    }
    return new OperatorMix(emb, fc, other, runs, byOp);
  }

  private static void deleteQuietly(Path dir, String trace) {
    try {
      if (trace != null) Files.deleteIfExists(Path.of(trace));
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover temp file is harmless; the measurement itself is done
    }
  }
}
