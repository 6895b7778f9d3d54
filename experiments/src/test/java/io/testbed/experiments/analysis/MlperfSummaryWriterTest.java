package io.testbed.experiments.analysis;

import static io.testbed.experiments.analysis.Traces.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.experiments.loadgen.LoadGenSettings;
import io.testbed.experiments.loadgen.Scenario;
import io.testbed.experiments.spec.SpecJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlperfSummaryWriterTest {

  private static Summary server(int slow) {
    long[] lat = Traces.fill(2500, 5 * MS);
    for (int i = 0; i < slow; i++) lat[i * 80] = 20 * MS;
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SERVER).targetQps(1000).latencyBoundMs(10).minDurationMs(0)
        .minQueryCount(1).build();
    return Analysis.summarize(Traces.arrivals(s, MS, lat), SummaryOptions.named("cloud-1/mlp"));
  }

  @Test
  void validServerSummaryHasMlperfFieldLines() {
    String text = MlperfSummaryWriter.render(server(5));
    assertThat(text).startsWith("================================================\nMLPerf Results Summary\n");
    assertThat(text).contains(
        "SUT name : cloud-1/mlp\n",
        "Scenario : Server\n",
        "Mode     : PerformanceOnly\n",
        "Completed samples per second    : ",
        "Result is : VALID\n",
        "  Performance constraints satisfied : Yes\n",
        "  Min duration satisfied : Yes\n",
        "  Min queries satisfied : Yes\n",
        "  Early stopping satisfied: Yes\n",
        "Early Stopping Result:\n * Run successful.\n",
        "Additional Stats\n",
        "Min latency (ns)                : 5000000\n",
        "Max latency (ns)                : 20000000\n",
        "50.00 percentile latency (ns)   : 5000000\n",
        "90.00 percentile latency (ns)   : ",
        "95.00 percentile latency (ns)   : ",
        "97.00 percentile latency (ns)   : ",
        "99.00 percentile latency (ns)   : 5000000\n",
        "99.90 percentile latency (ns)   : 20000000\n",
        "Test Parameters Used\n",
        "samples_per_query : 1\n",
        "target_qps : 1000.0\n",
        "target_latency (ns): 10000000\n",
        "min_duration (ms): 0\n",
        "min_query_count : 1\n",
        "schedule_rng_seed : ");
    assertThat(text).doesNotContain("Recommendations:");
  }

  @Test
  void invalidSummaryListsWhy() {
    String text = MlperfSummaryWriter.render(server(30));
    assertThat(text).contains("Result is : INVALID\n", "  Performance constraints satisfied : NO\n",
        "Recommendations:\n", " * Reduce target QPS to improve latency.\n");
  }

  @Test
  void singleStreamShowsItsPercentileAndQps() {
    LoadGenSettings s = LoadGenSettings.builder(Scenario.SINGLE_STREAM).minDurationMs(0).minQueryCount(1).build();
    Summary sum = Analysis.summarize(Traces.backToBack(s, Traces.fill(100, 2 * MS)), SummaryOptions.named("phone-1"));
    String text = MlperfSummaryWriter.render(sum);
    assertThat(text).contains("90th percentile latency (ns) : 2000000\n", "QPS w/ loadgen overhead         : ",
        "QPS w/o loadgen overhead        : 500.00\n", " * Early stopping 90th percentile estimate: 2000000");
    assertThat(text).doesNotContain("Performance constraints satisfied");
  }

  @Test
  void summaryJsonRoundTrips(@TempDir Path dir) throws Exception {
    Summary s = server(30);
    Path json = dir.resolve("summary.json");
    Files.writeString(json, SpecJson.mapper().writeValueAsString(s));
    Summary back = SpecJson.mapper().readValue(json.toFile(), Summary.class);
    assertThat(back).isEqualTo(s);
    assertThat(Files.readString(json)).contains("\"result\" : \"INVALID\"", "\"99.90\" : 20000000");
    MlperfSummaryWriter.write(s, dir.resolve("sub/mlperf_log_summary.txt"));
    assertThat(dir.resolve("sub/mlperf_log_summary.txt")).content().isEqualTo(MlperfSummaryWriter.render(s));
  }
}
