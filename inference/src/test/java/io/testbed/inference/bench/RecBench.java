package io.testbed.inference.bench;

import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.rec.IndexDistribution;
import io.testbed.inference.rec.OperatorMix;
import io.testbed.inference.rec.RecEngine;
import io.testbed.inference.rec.RecFeatures;
import io.testbed.inference.rec.RecInputs;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Bench, not a test: per recommendation model at its default scale, parameters, build time, median latency at batch
 * 1/16/64/256 and the operator mix (embedding vs FC share of kernel time) at batch 64, uniform and power-law row ids.
 * Args: [output file] [runs] [intra threads] [model names...]. Figures are this host's.
 */
public final class RecBench {
  private RecBench() {}

  private static final int[] BATCHES = {1, 16, 64, 256};
  private static final int MIX_BATCH = 64;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench/rec-bench.md");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int intra = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    List<String> names = args.length > 3 ? Arrays.asList(args).subList(3, args.length) : RecModels.names();
    ThreadSettings threads = new ThreadSettings(intra, 1, false);
    List<String> lines = new ArrayList<>();
    lines.add("ONNX Runtime " + InferenceEngine.onnxRuntimeVersion() + ", intra-op threads " + intra + ", median of " + runs
        + " runs, uniform row ids; operator mix at batch " + MIX_BATCH + " (uniform / power-law alpha " + IndexDistribution.ALPHA_MEDIUM + ")");
    lines.add("");
    lines.add("| model | scale | rows | tables MB | params MB | lookups/item | emb KB read/item | fc MMACs/item | build ms | session ms "
        + "| b1 ms | b16 ms | b64 ms | b256 ms | embedding share | FC share | other | embedding share (power law) |");
    lines.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String n : names) {
      RecModel m = RecModels.build(n);
      RecFeatures f = m.recFeatures();
      double[] ms = new double[BATCHES.length];
      double sessionMs;
      try (RecEngine e = new RecEngine(threads)) {
        long s0 = System.nanoTime();
        e.warmUp(m);
        sessionMs = (System.nanoTime() - s0) / 1e6;
        RecInputs in = RecInputs.uniform(m, 1);
        for (int b = 0; b < BATCHES.length; b++) {
          double[] t = new double[runs];
          for (int i = 0; i < runs; i++) t[i] = e.run(m, in.batch(BATCHES[b], i)).computeMs();
          Arrays.sort(t);
          ms[b] = t[runs / 2];
        }
      }
      OperatorMix uni = OperatorMix.measure(m, RecInputs.uniform(m, 2).batch(MIX_BATCH, 0), runs, threads);
      OperatorMix pow = OperatorMix.measure(m, RecInputs.powerLaw(m, IndexDistribution.ALPHA_MEDIUM, 2).batch(MIX_BATCH, 0), runs, threads);
      String line = String.format(Locale.ROOT,
          "| %s | %s | %,d | %.1f | %.1f | %d | %.1f | %.3f | %.0f | %.0f | %.3f | %.3f | %.3f | %.3f | %.0f%% | %.0f%% | %.0f%% | %.0f%% |",
          n, scaleText(m.scale()), f.totalRows(), f.embeddingBytes() / 1e6, f.parameterBytes() / 1e6, f.lookupsPerSample(),
          f.embeddingBytesReadPerSample() / 1e3, f.fcMacsPerSample() / 1e6, m.buildMs(), sessionMs, ms[0], ms[1], ms[2], ms[3],
          100 * uni.embeddingShare(), 100 * uni.fcShare(), 100 * uni.otherShare(), 100 * pow.embeddingShare());
      lines.add(line);
      System.out.println(line);
    }
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.write(out, lines);
    lines.forEach(System.out::println);
  }

  private static String scaleText(double s) {
    return s == 1 ? "1" : "1/" + Math.round(1 / s);
  }
}
