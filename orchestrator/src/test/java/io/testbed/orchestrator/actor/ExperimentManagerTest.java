package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.experiments.bundle.BundleContents;
import io.testbed.experiments.bundle.ResultBundle;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.adapter.influx.RecentWindowSink;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.model.ExperimentStatus;
import io.testbed.orchestrator.model.ExperimentView;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment manager and its runs against an in-memory fleet (a fake registry whose twins answer each inference
 * after 2 ms, or with {@code device-offline} once a device is marked lost), with {@code serialize-messages = on}:
 * lease queueing, cancel, device loss with continue and abort, progress to subscribers.
 */
class ExperimentManagerTest {
  @TempDir static Path dataDir;
  static ActorTestKit testKit;
  static OrchestratorSettings settings;
  static final ExecutorService runners = Executors.newCachedThreadPool();

  final Set<String> lost = ConcurrentHashMap.newKeySet();
  final List<String> leases = new CopyOnWriteArrayList<>();
  RecentWindowSink sink;
  ActorRef<ExperimentManager.Command> manager;
  static int managers;

  static synchronized void init() {
    if (testKit != null) return;
    Config config = ConfigFactory.parseString("""
        pekko.actor.serialize-messages = on
        testbed.orchestrator.experiments.progress-interval = 100ms
        testbed.orchestrator.experiments.dispatcher.thread-pool-executor.fixed-pool-size = 4
        testbed.orchestrator.data-dir = "%s"
        """.formatted(dataDir.toString().replace("\\", "/"))).withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create("experiment-manager-test", config);
    settings = OrchestratorSettings.fromConfig(config);
  }

  @BeforeEach
  void start() {
    init();
    sink = RecentWindowSink.memoryOnly(100_000);
    ActorRef<DeviceRegistry.Command> registry = testKit.spawn(fleet(), "fleet-" + (++managers));
    manager = testKit.spawn(ExperimentManager.create(registry,
        ExperimentManager.runs(registry, sink, Clock.systemUTC(), runners), Clock.systemUTC(), new SplittableRandom(7),
        settings), "experiments-" + managers);
  }

  @AfterAll
  static void shutdown() {
    if (testKit != null) testKit.shutdownTestKit();
    runners.shutdownNow();
  }

  /** The fake registry: two phones that said hello; inferences answered after 2 ms; leases recorded. */
  Behavior<DeviceRegistry.Command> fleet() {
    List<DeviceView> views = List.of(view("phone-1"), view("phone-2"));
    return Behaviors.setup(ctx -> Behaviors.receive(DeviceRegistry.Command.class)
        .onMessage(DeviceRegistry.GetDevices.class, m -> {
          m.replyTo().tell(new DeviceRegistry.Devices(views));
          return Behaviors.same();
        })
        .onMessage(DeviceRegistry.Deliver.class, m -> {
          if (m.message() instanceof DeviceTwin.RunInference r) {
            ctx.scheduleOnce(Duration.ofMillis(2), r.replyTo(), new DeviceTwin.InferenceDone(m.deviceId(),
                answer(m.deviceId(), r.request())));
          } else if (m.message() instanceof DeviceTwin.Lease l) {
            leases.add(m.deviceId() + " lease " + l.runId());
          } else if (m.message() instanceof DeviceTwin.Release l) {
            leases.add(m.deviceId() + " release " + l.runId());
          }
          return Behaviors.same();
        })
        .build());
  }

  InferenceResult answer(String deviceId, DeviceTwin.InferenceRequest q) {
    InferenceCommand c = new InferenceCommand(SchemaVersion.CURRENT, deviceId, Fixtures.T0, "c-" + q.inputSeed(), q.model(),
        q.target(), q.precision() == null ? Precision.FP32 : q.precision(), q.batchSize(), q.inputSeed(), null, null, null,
        q.timeoutMs());
    if (!lost.contains(deviceId)) return Fixtures.okResult(c, 2.0);
    return new InferenceResult(SchemaVersion.CURRENT, deviceId, Fixtures.T0, c.correlationId(), c.model(), c.target(),
        c.precision(), deviceId, c.batchSize(), Outcome.FAILED, "device-offline: device '" + deviceId + "' went offline (test)",
        0, 0, null, Fixtures.T0, Fixtures.T0, null, null, null, null, null);
  }

  static DeviceView view(String id) {
    Hello h = Fixtures.phoneHello(id);
    return new DeviceView(id, h.kind(), h.profile(), DeviceStatus.ONLINE, 1, true, true, null, h.targets(), h.models(),
        h.sensors(), h.software(), h.notes(), null, 1L, 0, 0, 0, "none", null);
  }

  static String spec(String name, List<String> devices, long minDurationMs, String onLoss, double maxFailed) {
    String ds = String.join(",", devices.stream().map(d -> "{\"id\":\"" + d + "\"}").toList());
    return """
        {"name":"%s","type":"inference","devices":[%s],"models":["mobilenet"],"policy":{"kind":"fixed","target":"cpu"},
         "scenario":{"kind":"SingleStream","minDurationMs":%d,"minQueryCount":64,"queryTimeoutMs":2000,
                     "maxFailedFraction":%s},
         "onDeviceLoss":"%s"}""".formatted(name, ds, minDurationMs, maxFailed, onLoss);
  }

  ExperimentView submit(String spec) {
    TestProbe<ExperimentManager.SubmitReply> probe = testKit.createTestProbe();
    manager.tell(new ExperimentManager.Submit(spec, probe.ref()));
    ExperimentManager.SubmitReply reply = probe.receiveMessage(Duration.ofSeconds(5));
    assertThat(reply).isInstanceOf(ExperimentManager.Accepted.class);
    return ((ExperimentManager.Accepted) reply).experiment();
  }

  ExperimentView get(String runId) {
    TestProbe<ExperimentManager.Lookup> probe = testKit.createTestProbe();
    manager.tell(new ExperimentManager.GetExperiment(runId, probe.ref()));
    return ((ExperimentManager.Found) probe.receiveMessage(Duration.ofSeconds(5))).experiment();
  }

  ExperimentView awaitEnd(String runId) {
    await().atMost(Duration.ofSeconds(30)).until(() -> get(runId).status().finished());
    return get(runId);
  }

  static List<QueryRecord> records(ExperimentView v) throws Exception {
    BundleContents c = ResultBundle.read(Path.of(v.bundle()));
    List<QueryRecord> all = new ArrayList<>();
    c.repetitions().forEach(r -> all.addAll(r.records()));
    return all;
  }

  @Test
  void invalidAndUnresolvableSpecsAreAnsweredWithTheirProblems() {
    TestProbe<ExperimentManager.SubmitReply> probe = testKit.createTestProbe();
    manager.tell(new ExperimentManager.Submit("{\"name\":\"x\"}", probe.ref()));
    ExperimentManager.InvalidSpec invalid = probe.expectMessageClass(ExperimentManager.InvalidSpec.class);
    assertThat(invalid.problems()).extracting(p -> p.path()).contains("type", "devices", "models", "policy", "scenario");
    manager.tell(new ExperimentManager.Submit(spec("x", List.of("phone-7"), 100, "abort", 0), probe.ref()));
    ExperimentManager.Unresolvable u = probe.expectMessageClass(ExperimentManager.Unresolvable.class);
    assertThat(u.devices()).containsExactly("phone-7");
  }

  @Test
  void aSecondRunOnALeasedDeviceWaitsWhileOthersRun() {
    ExperimentView r1 = submit(spec("first", List.of("phone-1"), 800, "abort", 0));
    ExperimentView r2 = submit(spec("second", List.of("phone-1"), 200, "abort", 0));
    ExperimentView r3 = submit(spec("other", List.of("phone-2"), 200, "abort", 0));
    assertThat(r1.status()).isEqualTo(ExperimentStatus.RUNNING);
    assertThat(r2.status()).isEqualTo(ExperimentStatus.QUEUED);
    assertThat(r2.waitingFor()).containsExactly("phone-1");
    assertThat(r3.status()).isEqualTo(ExperimentStatus.RUNNING);

    ExperimentView end2 = awaitEnd(r2.runId());
    ExperimentView end1 = get(r1.runId());
    assertThat(end1.status()).isEqualTo(ExperimentStatus.COMPLETED);
    assertThat(end2.status()).isEqualTo(ExperimentStatus.COMPLETED);
    assertThat(end2.verdict()).isEqualTo("VALID");
    assertThat(end2.startedNs()).isGreaterThanOrEqualTo(end1.finishedNs());
    assertThat(awaitEnd(r3.runId()).startedNs()).isLessThan(end1.finishedNs());
    await().atMost(Duration.ofSeconds(5)).until(() -> leases.size() == 6);
    assertThat(leases.stream().filter(l -> l.startsWith("phone-1")).toList()).containsExactly(
        "phone-1 lease " + r1.runId(), "phone-1 release " + r1.runId(),
        "phone-1 lease " + r2.runId(), "phone-1 release " + r2.runId());
  }

  @Test
  void cancelStopsARunwritesWhatRanAndFreesTheDevice() throws Exception {
    ExperimentView r = submit(spec("long", List.of("phone-1"), 60_000, "abort", 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> get(r.runId()).queriesDone() > 10);
    TestProbe<ExperimentManager.Lookup> probe = testKit.createTestProbe();
    manager.tell(new ExperimentManager.CancelExperiment(r.runId(), "enough", probe.ref()));
    assertThat(probe.expectMessageClass(ExperimentManager.Found.class).experiment().phase()).isEqualTo("cancelling");
    ExperimentView end = awaitEnd(r.runId());
    assertThat(end.status()).isEqualTo(ExperimentStatus.CANCELLED);
    assertThat(end.error()).isEqualTo("cancelled: enough");
    assertThat(end.verdict()).isEqualTo("INVALID");
    assertThat(records(end)).hasSizeGreaterThan(10);
    assertThat(leases).containsExactly("phone-1 lease " + r.runId(), "phone-1 release " + r.runId());
    manager.tell(new ExperimentManager.CancelExperiment(r.runId(), "again", probe.ref()));
    probe.expectMessageClass(ExperimentManager.AlreadyEnded.class);
    assertThat(sink.recent(Measurements.EXPERIMENT_EVENT)).anyMatch(p -> p.tags().get("kind").equals("cancelled")
        && p.tags().get("run").equals(r.runId()));
  }

  @Test
  void deviceLossWithAbortFailsTheRunNamingTheDevice() throws Exception {
    ExperimentView r = submit(spec("abort", List.of("phone-1", "phone-2"), 10_000, "abort", 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> get(r.runId()).queriesDone() > 20);
    lost.add("phone-2");
    ExperimentView end = awaitEnd(r.runId());
    assertThat(end.status()).isEqualTo(ExperimentStatus.FAILED);
    assertThat(end.error()).contains("phone-2", "went offline", "abort");
    List<QueryRecord> recs = records(end);
    // The abort waits ExperimentRun.ABORT_GRACE, so phone-2's in-flight query fails with its own reason first.
    assertThat(recs).filteredOn(q -> "phone-2".equals(q.device()) && !q.succeeded())
        .isNotEmpty().allMatch(q -> q.reason().startsWith("device-offline"));
    assertThat(recs).filteredOn(q -> "phone-1".equals(q.device())).allMatch(QueryRecord::succeeded);
    assertThat(sink.recent(Measurements.EXPERIMENT_EVENT)).anyMatch(p -> p.tags().get("kind").equals("device-lost")
        && "phone-2".equals(p.tags().get("device")));
  }

  @Test
  void deviceLossWithContinueKeepsTheOtherDevicesQueries() throws Exception {
    ExperimentView r = submit(spec("continue", List.of("phone-1", "phone-2"), 1500, "continue", 1.0));
    await().atMost(Duration.ofSeconds(10)).until(() -> get(r.runId()).queriesDone() > 20);
    lost.add("phone-2");
    ExperimentView end = awaitEnd(r.runId());
    assertThat(end.status()).isEqualTo(ExperimentStatus.COMPLETED);
    assertThat(end.error()).isNull();
    List<QueryRecord> recs = records(end);
    List<QueryRecord> phone2 = recs.stream().filter(q -> "phone-2".equals(q.device())).toList();
    assertThat(phone2).anyMatch(QueryRecord::succeeded);
    assertThat(phone2).filteredOn(q -> !q.succeeded()).isNotEmpty().allMatch(q -> q.reason().startsWith("device-offline"));
    // once lost, every later phone-2 query failed; phone-1 never did
    long firstLoss = phone2.stream().filter(q -> !q.succeeded()).mapToLong(QueryRecord::queryId).min().orElseThrow();
    assertThat(phone2).filteredOn(q -> q.queryId() > firstLoss).noneMatch(QueryRecord::succeeded);
    assertThat(recs).filteredOn(q -> "phone-1".equals(q.device())).allMatch(QueryRecord::succeeded);
    List<TelemetryPoint> failed = sink.recent(Measurements.QUERY).stream()
        .filter(p -> p.tags().get("run").equals(r.runId()) && "device-offline".equals(p.tags().get("reason"))).toList();
    assertThat(failed).hasSize(phone2.stream().filter(q -> !q.succeeded()).toList().size());
  }

  @Test
  void subscribersGetProgressThenTheFinalViewThenTheEnd() {
    ExperimentView r = submit(spec("progress", List.of("phone-2"), 1000, "abort", 0));
    TestProbe<ExperimentManager.Update> updates = testKit.createTestProbe();
    TestProbe<ExperimentManager.Lookup> lookup = testKit.createTestProbe();
    manager.tell(new ExperimentManager.Subscribe(r.runId(), updates.ref(), lookup.ref()));
    lookup.expectMessageClass(ExperimentManager.Found.class);
    List<ExperimentManager.Update> seen = new ArrayList<>();
    while (true) {
      ExperimentManager.Update u = updates.receiveMessage(Duration.ofSeconds(10));
      seen.add(u);
      if (u.end()) break;
    }
    List<ExperimentView> views = seen.stream().filter(u -> !u.end()).map(ExperimentManager.Update::view).toList();
    assertThat(views).anyMatch(v -> v.phase().equals("running") && v.queriesDone() > 0 && v.queriesTotal() != null
        && v.queriesTotal() >= 64 && v.etaSeconds() != null && v.repetition() == 1);
    assertThat(views.get(views.size() - 1).status()).isEqualTo(ExperimentStatus.COMPLETED);
    // done counts only grow within the repetition
    List<Long> done = views.stream().filter(v -> v.phase().equals("running")).map(ExperimentView::queriesDone).toList();
    assertThat(done).isSorted();
    manager.tell(new ExperimentManager.Subscribe("nope", updates.ref(), lookup.ref()));
    lookup.expectMessageClass(ExperimentManager.NotFound.class);
    updates.expectNoMessage(Duration.ofMillis(200));
  }
}
