package io.testbed.experiments.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.experiments.analysis.SummaryOptions;
import io.testbed.experiments.engine.ExperimentRunner;
import io.testbed.experiments.loadgen.QueryOutcome;
import io.testbed.experiments.loadgen.SystemUnderTest;
import io.testbed.experiments.loadgen.VirtualTicker;
import io.testbed.experiments.spec.ExperimentPlan;
import io.testbed.experiments.spec.ExperimentSpec;
import io.testbed.experiments.spec.ScenarioSpec;
import io.testbed.experiments.spec.SpecJson;
import io.testbed.experiments.spec.TimelineEvent;
import io.testbed.protocol.DeviceKind;
import io.testbed.protocol.ExecutionTarget;
import io.testbed.protocol.Hello;
import io.testbed.protocol.ModelFeatures;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.TargetKind;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultBundleTest {
  private static final long MS = 1_000_000L;

  static Hello phone() {
    return new Hello(SchemaVersion.CURRENT, "phone-1", 1, DeviceKind.PHONE, "phone", true,
        List.of(new ExecutionTarget("cpu", TargetKind.CPU, Precision.FP32, List.of(800, 2000), 0.25, false)),
        List.of(new ModelInfo("mobilenet", "vision", List.of(Precision.FP32),
            new ModelFeatures(27, 1, 0, 300_000_000L, 4_000_000L, List.of(3L, 224L, 224L)))),
        List.of(), Map.of("agent", "0.1.0", "onnxruntime", "1.29.0"), null, List.of("cpu cap not enforced: not root"));
  }

  /** The SingleStream example, shortened, with a timeline event, run three times on simulated time. */
  private static BundleContents runExample(String runId, List<String> applied) throws Exception {
    ExperimentSpec example = SpecJson.parse(Path.of("examples/inference-singlestream.json")).spec();
    ScenarioSpec sc = example.scenario();
    ScenarioSpec shorter = new ScenarioSpec(sc.kind(), sc.mode(), null, null, null, null, 500L, 200L, null, null, null,
        null, 100L, 0.05, true, null);
    ExperimentSpec spec = new ExperimentSpec(example.name(), example.type(), example.devices(), example.models(),
        example.precision(), example.policy(), shorter, example.repetitions(),
        List.of(new TimelineEvent(300, "interference", "phone-1", null,
            SpecJson.mapper().readTree("{\"cpuLevel\": 0.5}"))), example.qos(), example.onDeviceLoss());
    ExperimentPlan plan = ExperimentPlan.of(spec);
    VirtualTicker ticker = new VirtualTicker();
    ExperimentRunner runner = new ExperimentRunner(ticker, io.testbed.experiments.loadgen.LoadGenListener.NONE);
    ExperimentRunner.SutFactory suts = rep -> {
      SplittableRandom rng = new SplittableRandom(rep.seed());
      SystemUnderTest sut = (q, c) -> {
        long latency = (2 + rng.nextInt(3)) * MS;
        boolean fail = q.id() == 7;
        ticker.scheduleAfter(latency, () -> c.complete(fail
            ? QueryOutcome.failed(Outcome.FAILED, "input, \"quoted\"\nand broken", "phone-1", "cpu")
            : QueryOutcome.ok("phone-1", "cpu").withDigest("ab" + q.id()).withEnergy(0.01 * latency / MS,
                PowerSource.MODELLED)));
      };
      return sut;
    };
    return runner.run(runId, plan, List.of(phone()), SummaryOptions.forPlan(plan, "phone-1/mobilenet/cpu"), suts,
        (rep, e) -> applied.add(rep.index() + ":" + e.action() + "@" + e.device()));
  }

  @Test
  void writesTheRunFolderAndReadsItBackEqual(@TempDir Path root) throws Exception {
    List<String> applied = new ArrayList<>();
    BundleContents c = runExample("run-1", applied);
    assertThat(applied).containsExactly("1:interference@phone-1", "2:interference@phone-1", "3:interference@phone-1");
    assertThat(c.repetitions()).hasSize(3);
    assertThat(c.repetitions()).allSatisfy(r -> assertThat(r.summary().result()).isEqualTo("VALID"));
    assertThat(c.aggregate().runs()).isEqualTo(3);

    Path dir = ResultBundle.write(root, c);
    assertThat(dir).isEqualTo(root.resolve("run-1"));
    for (String f : List.of("spec.json", "devices.json", "seeds.json", "queries.csv", "mlperf_log_summary.txt",
        "summary.json", "events.json")) {
      assertThat(dir.resolve(f)).isRegularFile();
    }
    BundleContents back = ResultBundle.read(dir);
    assertThat(back).isEqualTo(c);

    assertThat(Files.readString(dir.resolve("seeds.json"))).contains("\"seeds\" : [ 42, 43, 44 ]");
    assertThat(Files.readString(dir.resolve("devices.json"))).contains("\"onnxruntime\" : \"1.29.0\"", "\"type\" : \"hello\"");
    List<String> csv = Files.readAllLines(dir.resolve("queries.csv"));
    assertThat(csv.get(0)).isEqualTo(String.join(",", QueryCsv.HEADER));
    String text = Files.readString(dir.resolve("mlperf_log_summary.txt"));
    assertThat(text).contains("Repetition 1 of 3 (seed 42)", "Result is : VALID", "Scenario : SingleStream",
        "Coefficient of variation : ", "Dropped repetitions : ");
    assertThat(back.repetitions().get(0).events()).singleElement()
        .satisfies(e -> assertThat(e.firedNs()).isEqualTo(300 * MS));
  }

  @Test
  void plotsAreValidPngImages(@TempDir Path root) throws Exception {
    Path dir = ResultBundle.write(root, runExample("run-plots", new ArrayList<>()));
    for (String png : List.of(Plots.CDF, Plots.OVER_TIME, Plots.ENERGY)) {
      Path f = dir.resolve("plots").resolve(png);
      assertThat(f).isRegularFile();
      byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(f), 8);
      assertThat(head).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
      BufferedImage img = ImageIO.read(f.toFile());
      assertThat(img).isNotNull();
      assertThat(img.getWidth()).isEqualTo(900);
      assertThat(img.getHeight()).isEqualTo(600);
    }
  }

  @Test
  void noEnergyPlotWithoutEnergyAndNoOverwrite(@TempDir Path root) throws Exception {
    BundleContents c = runExample("run-2", new ArrayList<>());
    List<BundleContents.Repetition> noEnergy = c.repetitions().stream().map(r -> new BundleContents.Repetition(
        r.index(), r.seed(), r.summary(), r.records().stream().map(q -> new io.testbed.experiments.loadgen.QueryRecord(
            q.queryId(), q.sampleCount(), q.sampleIndices(), q.scheduledNs(), q.issuedNs(), q.completedNs(),
            q.latencyNs(), q.device(), q.target(), q.outcome(), q.reason(), null, null, q.digest())).toList(),
        r.events())).toList();
    BundleContents plain = new BundleContents("run-3", c.spec(), c.devices(), noEnergy, c.aggregate());
    Path dir = ResultBundle.write(root, plain);
    assertThat(dir.resolve("plots").resolve(Plots.ENERGY)).doesNotExist();
    assertThat(dir.resolve("plots").resolve(Plots.CDF)).isRegularFile();
    assertThatThrownBy(() -> ResultBundle.write(root, plain)).hasMessageContaining("already written");
  }

  @Test
  void csvQuotingRoundTrips() {
    String tricky = "a,b \"c\"\nd";
    List<List<String>> rows = QueryCsv.parse(QueryCsv.quote(tricky) + ",x\n\"\",y\n");
    assertThat(rows).containsExactly(List.of(tricky, "x"), List.of("", "y"));
  }

  @Test
  void runIdsAreSafeAndStamped() {
    String id = ResultBundle.runId("phone mobilenet/cpu", Instant.parse("2026-11-30T08:32:00Z"), new SplittableRandom(1));
    assertThat(id).matches("phone-mobilenet-cpu-20261130T083200Z-[0-9a-f]{4}");
  }
}
