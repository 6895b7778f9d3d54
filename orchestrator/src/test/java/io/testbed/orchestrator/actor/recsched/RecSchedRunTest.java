package io.testbed.orchestrator.actor.recsched;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.testbed.experiments.recsched.RecSchedReport;
import io.testbed.experiments.recsched.RecSchedReports;
import io.testbed.experiments.recsched.RecSchedSpecParser;
import io.testbed.orchestrator.actor.ExperimentManager;
import io.testbed.orchestrator.config.RecSchedDefaults;
import io.testbed.orchestrator.model.ExperimentStatus;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.port.TimeseriesInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recsched run actor against fake servers with a known latency model (real time, real timers). */
class RecSchedRunTest {
  static final ActorTestKit testKit = ActorTestKit.create("recsched-run-test",
      ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  static final class MemorySink implements TelemetrySink {
    final List<TelemetryPoint> points = Collections.synchronizedList(new ArrayList<>());

    @Override public void write(TelemetryPoint point) { points.add(point); }
    @Override public void flush() {}
    @Override public TimeseriesInfo info() { return null; }
    @Override public void close() {}

    List<TelemetryPoint> of(String measurement) {
      synchronized (points) {
        return points.stream().filter(p -> p.measurement().equals(measurement)).toList();
      }
    }
  }

  /** The run's end report, skipping its progress reports. */
  static ExperimentManager.RunEnded awaitEnd(TestProbe<ExperimentManager.Command> manager, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      ExperimentManager.Command m = manager.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (m instanceof ExperimentManager.RunEnded e) return e;
    }
  }

  static RecSchedDefaults.Resolved plan(String extra) {
    String json = "{\"name\":\"t\",\"type\":\"recsched\",\"servers\":[\"cloud-1\",\"cloud-2\"],\"models\":[\"dlrm-rmc1\"],"
        + "\"slaMs\":{\"dlrm-rmc1\":200},\"batchSizes\":[16,64,256],\"smallBatchSize\":16,\"windowQueries\":32,"
        + "\"maxWindows\":14,\"medianOfLast\":4,\"confirmWindows\":2,\"queryTimeoutMs\":2000,"
        + "\"grid\":{\"minQps\":10,\"maxQps\":1000,\"stepsPerDecade\":10,\"startQps\":60}" + extra + "}";
    var p = RecSchedSpecParser.parse(json);
    assertThat(p.problems()).isEmpty();
    RecSchedDefaults.Resolution r = RecSchedDefaults.fromConfig(ConfigFactory.load()).resolve(p.spec(), Path.of("."));
    assertThat(r.problems()).isEmpty();
    return r.plan();
  }

  @Test
  void deepRecSchedFindsTheKnownBestBatchSizeAndBeatsBothBaselines(@TempDir Path dir) throws Exception {
    // Known model: capacity 120 QPS at B=16, 400 at B=64, 150 at B=256, 80 unsplit (B=1024); base 40 ms, SLA 200 ms
    // (latencies well above this shared host's scheduling noise).
    SyntheticRecServers servers = new SyntheticRecServers(40, b -> switch (b) {
      case 16 -> 120.0;
      case 64 -> 400.0;
      case 256 -> 150.0;
      default -> 80.0;
    }, false);
    MemorySink sink = new MemorySink();
    TestProbe<ExperimentManager.Command> manager = testKit.createTestProbe();
    RecSchedRun.Setup setup = new RecSchedRun.Setup("run-1", plan(""), List.of("cloud-1", "cloud-2"),
        List.of("http://s1", "http://s2"), List.of(), dir, Duration.ofMillis(200));
    testKit.spawn(RecSchedRun.create(setup, manager.ref(), servers, sink, Clock.systemUTC(), System::nanoTime));

    ExperimentManager.RunEnded end = awaitEnd(manager, Duration.ofSeconds(120));
    assertThat(end).isNotNull();
    assertThat(end.status()).isEqualTo(ExperimentStatus.COMPLETED);
    assertThat(end.verdict()).isEqualTo("VALID");

    RecSchedReport report = RecSchedReports.read(Path.of(end.bundleDir()));
    RecSchedReport.ModelReport m = report.models().get(0);
    RecSchedReport.PolicyResult drs = m.policies().get(0);
    RecSchedReport.PolicyResult noSplit = m.policies().get(1);
    RecSchedReport.PolicyResult small = m.policies().get(2);
    assertThat(m.policies()).extracting(RecSchedReport.PolicyResult::policy)
        .containsExactly("deeprecsched", "static-no-split", "static-small-batch");
    assertThat(drs.batchSize()).isEqualTo(64);
    assertThat(drs.offloadThreshold()).isNull();
    assertThat(drs.trials()).extracting(RecSchedReport.Trial::batchSize).containsExactly(16, 64, 256);
    assertThat(noSplit.batchSize()).isEqualTo(1024);
    assertThat(small.batchSize()).isEqualTo(16);
    assertThat(drs.qps()).isGreaterThan(1.5 * noSplit.qps()).isGreaterThan(1.5 * small.qps());
    assertThat(m.gainOverNoSplit()).isEqualTo(drs.qps() / noSplit.qps());
    // Pushes went to both servers, for every configuration tried.
    assertThat(servers.pushes).contains("http://s1 dlrm-rmc1 B=64 T=1025", "http://s2 dlrm-rmc1 B=64 T=1025",
        "http://s1 dlrm-rmc1 B=1024 T=1025", "http://s2 dlrm-rmc1 B=16 T=1025");
    // Queries were balanced over the two servers.
    int s1 = servers.queriesPerServer.get("http://s1");
    int s2 = servers.queriesPerServer.get("http://s2");
    assertThat(Math.min(s1, s2)).isGreaterThan((s1 + s2) / 3);
    // Time series: a window point per window, a config point per push round, the choices as events.
    assertThat(sink.of("recsched_window")).hasSize(report.windows().size()).allSatisfy(p -> {
      assertThat(p.tags()).containsEntry("run", "run-1").containsEntry("model", "dlrm-rmc1").containsKey("policy");
      assertThat(p.fields()).containsKeys("qps", "batchSize", "completed", "failed", "rejected");
    });
    assertThat(sink.of("recsched_config")).hasSizeGreaterThanOrEqualTo(5);
    assertThat(sink.of("experiment_event")).filteredOn(p -> "recsched-choice".equals(p.tags().get("kind")))
        .extracting(p -> p.textFields().get("message")).anySatisfy(s -> assertThat(s).startsWith("dlrm-rmc1 deeprecsched round 1: B=64 T=none"));
    // Warm-up first (default 64 queries per server): every B the policies use, ascending, before DeepRecSched's first
    // push; recorded as an event and in the report, in no result, window or config point.
    assertThat(servers.pushes.subList(0, 8)).containsExactly("http://s1 dlrm-rmc1 B=16 T=1025", "http://s2 dlrm-rmc1 B=16 T=1025",
        "http://s1 dlrm-rmc1 B=64 T=1025", "http://s2 dlrm-rmc1 B=64 T=1025", "http://s1 dlrm-rmc1 B=256 T=1025",
        "http://s2 dlrm-rmc1 B=256 T=1025", "http://s1 dlrm-rmc1 B=1024 T=1025", "http://s2 dlrm-rmc1 B=1024 T=1025");
    assertThat(report.warmups()).singleElement().satisfies(w -> {
      assertThat(w.model()).isEqualTo("dlrm-rmc1");
      assertThat(w.batchSizes()).containsExactly(16, 64, 256, 1024);
      assertThat(w.queries()).isGreaterThanOrEqualTo(128);
      assertThat(w.qps()).isCloseTo(50.12, org.assertj.core.data.Offset.offset(0.01)); // the grid point at or below startQps 60
    });
    assertThat(sink.of("experiment_event")).filteredOn(p -> "warmup".equals(p.tags().get("kind"))).singleElement()
        .satisfies(p -> assertThat(p.textFields().get("message")).startsWith("dlrm-rmc1 warm-up: "));
    assertThat(report.windows()).extracting(RecSchedReport.WindowRow::policy).doesNotContain("warmup");
    assertThat(sink.of("recsched_window")).noneMatch(p -> "warmup".equals(p.tags().get("policy")));
    assertThat(sink.of("recsched_config")).noneMatch(p -> "warmup".equals(p.tags().get("policy")))
        .allSatisfy(p -> assertThat(p.tags()).containsEntry("round", "1"));
    assertThat(Files.exists(Path.of(end.bundleDir(), "plots", "recsched-qps.png"))).isTrue();
    assertThat(Files.exists(Path.of(end.bundleDir(), "plots", "recsched-p95.png"))).isTrue();
    assertThat(Files.readString(Path.of(end.bundleDir(), "recsched-report.txt"))).contains("deeprecsched");
    assertThat(end.summary().path("type").asText()).isEqualTo("recsched");
  }

  @Test
  void roundsAlternateThePolicyOrderAndReportTheMedians(@TempDir Path dir) throws Exception {
    SyntheticRecServers servers = new SyntheticRecServers(40, b -> b == 16 ? 120.0 : 80.0, false);
    MemorySink sink = new MemorySink();
    TestProbe<ExperimentManager.Command> manager = testKit.createTestProbe();
    RecSchedRun.Setup setup = new RecSchedRun.Setup("run-3", plan(",\"policies\":[\"static-no-split\",\"static-small-batch\"],"
        + "\"rounds\":3,\"warmup\":0,\"maxWindows\":4,\"medianOfLast\":2,\"confirmWindows\":0"),
        List.of("cloud-1", "cloud-2"), List.of("http://s1", "http://s2"), List.of(), dir, Duration.ofMillis(200));
    testKit.spawn(RecSchedRun.create(setup, manager.ref(), servers, sink, Clock.systemUTC(), System::nanoTime));
    ExperimentManager.RunEnded end = awaitEnd(manager, Duration.ofSeconds(120));
    assertThat(end.status()).isEqualTo(ExperimentStatus.COMPLETED);
    // Order: round 1 no-split then small-batch, round 2 reversed, round 3 as round 1 (no warm-up: warmup 0).
    List<String> s1 = servers.pushes.stream().filter(p -> p.startsWith("http://s1")).map(p -> p.split(" ")[2]).distinct().toList();
    assertThat(servers.pushes.stream().filter(p -> p.startsWith("http://s1")).map(p -> p.split(" ")[2]).toList())
        .containsExactly("B=1024", "B=16", "B=16", "B=1024", "B=1024", "B=16");
    assertThat(s1).hasSize(2);
    RecSchedReport report = RecSchedReports.read(Path.of(end.bundleDir()));
    assertThat(report.rounds()).isEqualTo(3);
    assertThat(report.warmups()).isEmpty();
    RecSchedReport.ModelReport m = report.models().get(0);
    assertThat(m.policies()).extracting(p -> p.policy() + "@" + p.round()).containsExactly("static-no-split@1",
        "static-small-batch@1", "static-no-split@2", "static-small-batch@2", "static-no-split@3", "static-small-batch@3");
    assertThat(m.summary()).extracting(RecSchedReport.PolicySummary::policy).containsExactly("static-no-split", "static-small-batch");
    for (RecSchedReport.PolicySummary sum : m.summary()) {
      List<Double> perRound = m.policies().stream().filter(p -> p.policy().equals(sum.policy())).map(RecSchedReport.PolicyResult::qps).toList();
      assertThat(sum.qpsPerRound()).containsExactlyElementsOf(perRound);
      assertThat(sum.medianQps()).isEqualTo(perRound.stream().sorted().toList().get(1));
    }
    assertThat(m.gainOverNoSplit()).isNull(); // no DeepRecSched in this run
    assertThat(report.windows()).extracting(RecSchedReport.WindowRow::round).contains(1, 2, 3);
    assertThat(sink.of("recsched_window")).extracting(p -> p.tags().get("round")).contains("1", "2", "3");
    assertThat(sink.of("experiment_event")).filteredOn(p -> "recsched-choice".equals(p.tags().get("kind"))).hasSize(6)
        .extracting(p -> p.tags().get("policy") + "@" + p.tags().get("round"))
        .containsExactly("static-no-split@1", "static-small-batch@1", "static-small-batch@2", "static-no-split@2",
            "static-no-split@3", "static-small-batch@3");
    assertThat(Files.readString(Path.of(end.bundleDir(), "recsched-report.txt"))).contains("Per policy over 3 rounds");
  }

  @Test
  void rejectedQueriesAreSlaMissesAndTheRunStillEnds(@TempDir Path dir) throws Exception {
    SyntheticRecServers servers = new SyntheticRecServers(20, b -> 100.0, true);
    MemorySink sink = new MemorySink();
    TestProbe<ExperimentManager.Command> manager = testKit.createTestProbe();
    RecSchedRun.Setup setup = new RecSchedRun.Setup("run-2", plan(",\"policies\":[\"static-small-batch\"],"
        + "\"grid\":{\"minQps\":100,\"maxQps\":1000,\"stepsPerDecade\":10,\"startQps\":100},\"maxWindows\":3,\"medianOfLast\":2,"
        + "\"warmup\":0"),
        List.of("cloud-1", "cloud-2"), List.of("http://s1", "http://s2"), List.of(), dir, Duration.ofMillis(200));
    testKit.spawn(RecSchedRun.create(setup, manager.ref(), servers, sink, Clock.systemUTC(), System::nanoTime));
    ExperimentManager.RunEnded end = awaitEnd(manager, Duration.ofSeconds(60));
    assertThat(end.status()).isEqualTo(ExperimentStatus.COMPLETED);
    assertThat(end.verdict()).isEqualTo("INVALID");
    RecSchedReport.PolicyResult r = RecSchedReports.read(Path.of(end.bundleDir())).models().get(0).policies().get(0);
    assertThat(r.feasible()).isFalse();
    assertThat(r.qps()).isZero();
    assertThat(r.rejected()).isPositive().isEqualTo(r.failed());
    assertThat(sink.of("recsched_window")).allSatisfy(p -> assertThat(p.fields().get("rejected").longValue()).isPositive());
  }
}
