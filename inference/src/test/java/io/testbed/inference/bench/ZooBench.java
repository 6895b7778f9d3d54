package io.testbed.inference.bench;

import io.testbed.inference.Agreement;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.ZooModel;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Bench, not a test: per model and precision, graph features, median latency over a few runs, and INT8 agreement
 * with FP32; writes a Markdown table. Args: [output file] [runs] [intra threads] [batch]. Figures are this host's.
 */
public final class ZooBench {
  private ZooBench() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/zoo-bench.md");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int intra = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    ModelZoo zoo = ModelZoo.standard();
    List<String> lines = new ArrayList<>();
    lines.add("ONNX Runtime " + InferenceEngine.onnxRuntimeVersion() + ", intra-op threads " + intra + ", batch " + batch + ", median of " + runs + " runs");
    lines.add("");
    lines.add("| model | family | input | conv | fc | rec | MMACs | FP32 MB | INT8 MB | width | FP32 ms | INT8 ms | top-1 agreement (32) | max rel. error |");
    lines.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    try (InferenceEngine e = new InferenceEngine(zoo, new ThreadSettings(intra, 1, false))) {
      for (String n : zoo.names()) {
        ZooModel m = zoo.model(n);
        ModelFeatures f = m.features();
        double[] ms = new double[2];
        for (Precision p : Precision.values()) {
          e.warmUp(n, p);
          double[] t = new double[runs];
          for (int i = 0; i < runs; i++) t[i] = e.run(n, p, InferenceEngine.syntheticInput(m, batch, i), batch).computeMs();
          Arrays.sort(t);
          ms[p.ordinal()] = t[runs / 2];
        }
        float[] x = InferenceEngine.syntheticInput(m, 32, 2024);
        float[] a = e.run(n, Precision.FP32, x, 32).values();
        float[] b = e.run(n, Precision.INT8, x, 32).values();
        lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f |",
            n, m.family(), f.inputShape(), f.convLayers(), f.fcLayers(), f.recurrentLayers(), f.macs() / 1e6,
            f.parameterBytes() / 1e6, m.features(Precision.INT8).parameterBytes() / 1e6, m.averageGraphWidth(), ms[0], ms[1],
            Agreement.top1(b, a, 32), Agreement.maxRelativeError(b, a)));
      }
    }
    write(out, lines);
    lines.forEach(System.out::println);
  }

  private static void write(Path out, List<String> lines) throws IOException {
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.write(out, lines);
  }
}
