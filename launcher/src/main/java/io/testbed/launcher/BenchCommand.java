package io.testbed.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.testbed.inference.ModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./testbed bench}: the walking skeleton's figures, measured on this host and written to a file: cold start of
 * the all-in-one until every device is online, the orchestrator-to-agent round-trip overhead per inference next to the
 * inference time itself, and how much slower the emulated phone computes than the cloud agent on the same model.
 * Cold start is measured with an empty model cache (a fresh machine), then once more with the cache filled.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure cold start, per-inference orchestration overhead and phone-vs-cloud slowdown; write them to a JSON file.")
final class BenchCommand implements Callable<Integer> {
  @Mixin AllInOneOptions options = new AllInOneOptions();

  @Option(names = "--count", description = "inferences per measured job (default ${DEFAULT-VALUE})")
  int count = 40;

  @Option(names = "--out", description = "output file (default ${DEFAULT-VALUE})")
  Path out = Path.of("runs/bench/skeleton-bench.json");

  @Override
  public Integer call() throws Exception {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("host", Map.of("cores", Runtime.getRuntime().availableProcessors(), "os", System.getProperty("os.name") + " "
        + System.getProperty("os.version"), "java", System.getProperty("java.version")));
    // Cold start as on a fresh machine: an empty model cache, so the launcher builds (and calibrates) every graph.
    Path cacheDir = Files.createTempDirectory("testbed-bench-model-cache");
    String before = System.getProperty(ModelCache.PROPERTY);
    System.setProperty(ModelCache.PROPERTY, cacheDir.toString());
    try {
      run(figures);
      // Second start, graphs now in the cache: what every later `./testbed up` on this host takes.
      try (AllInOne again = AllInOne.start(options.load(0, 0))) {
        figures.put("startWithFilledModelCacheS", again.coldStart().toMillis() / 1000.0);
      }
    } finally {
      if (before == null) System.clearProperty(ModelCache.PROPERTY); else System.setProperty(ModelCache.PROPERTY, before);
      try (java.util.stream.Stream<Path> files = Files.walk(cacheDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(out.toFile(), figures);
    System.out.println(json.writeValueAsString(figures));
    System.out.println("written to " + out.toAbsolutePath().normalize());
    return 0;
  }

  private void run(Map<String, Object> figures) throws Exception {
    try (AllInOne all = AllInOne.start(options.load(0, 0))) {
      figures.put("coldStartS", all.coldStart().toMillis() / 1000.0);
      figures.put("coldStartModelCache", "empty (fresh machine): the launcher builds every graph once, the agents read them");
      figures.put("fleet", all.fleet().stream().map(FleetMember::id).toList());
      Map<String, Object> overhead = new LinkedHashMap<>();
      for (String model : new String[] {"mlp", "mobilenet"}) {
        overhead.put(model, measure(all.api(), "cloud-1", model, "cpu"));
      }
      figures.put("roundTripOverheadPerInference", overhead);
      Map<String, Object> phone = measure(all.api(), "phone-1", "mobilenet", "cpu");
      Map<String, Object> cloud = measure(all.api(), "cloud-1", "mobilenet", "cpu");
      figures.put("phoneVsCloud", Map.of("model", "mobilenet", "phoneMeanComputeMs", phone.get("meanComputeMs"),
          "cloudMeanComputeMs", cloud.get("meanComputeMs"),
          "slowdown", (double) phone.get("meanComputeMs") / (double) cloud.get("meanComputeMs")));
    }
  }

  /**
   * One SingleStream-like job (next command when the previous result arrived). The orchestrator's wall time per
   * inference (submit to finish / count) minus the device's own latency (command receipt to output) is the round-trip
   * overhead of the orchestrator, broker and wire.
   */
  private Map<String, Object> measure(ApiClient api, String device, String model, String target) throws InterruptedException {
    // Warm-up job: session creation and JIT are not what we measure.
    api.awaitJob(api.submitJob(Map.of("deviceId", device, "model", model, "target", target, "count", 3)).path("jobId").asText(),
        Duration.ofMinutes(2));
    JsonNode job = api.awaitJob(api.submitJob(Map.of("deviceId", device, "model", model, "target", target, "count", count))
        .path("jobId").asText(), Duration.ofMinutes(5));
    double wallMsPerInference = (job.path("finishedNs").asLong() - job.path("submittedNs").asLong()) / 1e6 / count;
    double latency = 0;
    double compute = 0;
    int ok = 0;
    for (JsonNode r : job.path("results")) {
      if (!"ok".equals(r.path("outcome").asText())) continue;
      latency += r.path("latencyMs").asDouble();
      compute += r.path("computeMs").asDouble();
      ok++;
    }
    if (ok != count) throw new IllegalStateException(device + "/" + model + ": only " + ok + " of " + count + " inferences ok");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", device);
    m.put("inferences", count);
    m.put("wallMsPerInference", round(wallMsPerInference));
    m.put("meanDeviceLatencyMs", round(latency / ok));
    m.put("meanComputeMs", round(compute / ok));
    m.put("overheadMsPerInference", round(wallMsPerInference - latency / ok));
    return m;
  }

  private static double round(double v) { return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v)); }
}
