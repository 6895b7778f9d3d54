package io.testbed.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ./testbed demo}: start the all-in-one, run a short job on every device (local and offloaded), print results, exit. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a short inference job on every emulated device (locally and offloaded to the cloud), print a results table and exit.")
final class DemoCommand implements Callable<Integer> {
  @Mixin AllInOneOptions options = new AllInOneOptions();

  @Override
  public Integer call() throws Exception {
    // Free ports by default so a demo never collides with a running `./testbed up`.
    Config config = options.load(0, 0);
    try (AllInOne all = AllInOne.start(config)) {
      System.out.println(UpCommand.describe(all));
      List<DemoReport.Row> rows = runJobs(all.api(), config.getConfig("testbed.launcher.demo"));
      System.out.println("Results (latency from command receipt to output on the device; energy is modelled unless a meter is bound):");
      System.out.print(DemoReport.table(rows));
      printFigures(rows);
      System.out.println("Series: " + all.api().health().path("timeseries"));
      return rows.stream().allMatch(r -> r.ok() == r.total() && r.total() > 0) ? 0 : 1;
    }
  }

  static List<DemoReport.Row> runJobs(ApiClient api, Config demo) throws InterruptedException {
    List<DemoReport.Row> rows = new ArrayList<>();
    for (Config j : demo.getConfigList("jobs")) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("deviceId", j.getString("device"));
      body.put("model", j.getString("model"));
      body.put("target", j.getString("target"));
      body.put("count", j.getInt("count"));
      if (j.hasPath("offload-to")) body.put("offloadTo", j.getString("offload-to"));
      JsonNode submitted = api.submitJob(body);
      JsonNode done = api.awaitJob(submitted.path("jobId").asText(), demo.getDuration("job-timeout"));
      rows.add(DemoReport.row(done));
    }
    return rows;
  }

  /** The slowdown of the emulated phone against the cloud agent on the same model, from the compute times just measured. */
  private static void printFigures(List<DemoReport.Row> rows) {
    DemoReport.Row phone = find(rows, "phone-1", "cpu");
    DemoReport.Row cloud = find(rows, "cloud-1", "cpu");
    if (phone != null && cloud != null && phone.model().equals(cloud.model())) {
      System.out.printf(Locale.ROOT, "Emulated phone CPU vs cloud agent on %s: %.2fx slower (mean compute %.1f ms vs %.1f ms)%n",
          phone.model(), phone.meanComputeMs() / cloud.meanComputeMs(), phone.meanComputeMs(), cloud.meanComputeMs());
    }
  }

  private static DemoReport.Row find(List<DemoReport.Row> rows, String device, String target) {
    return rows.stream().filter(r -> r.device().equals(device) && r.target().equals(target)).findFirst().orElse(null);
  }
}
