package io.testbed.cloud.rec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.cloud.config.RecSettings;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.rec.IndexDistribution;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecEngine;
import io.testbed.inference.rec.RecInputs;
import io.testbed.inference.rec.RecModel;
import io.testbed.inference.rec.RecOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The recommendation server in process, on real ONNX Runtime sessions of tiny models; fakes only where a test needs slow or failing work. */
class RecServerTest {
  private static RecServer server;
  private static RecEngine reference;

  @BeforeAll
  static void start() throws Exception {
    server = RecFixtures.server(RecFixtures.settings("dlrm-rmc1", "wnd"), RecFixtures.ort());
    server.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    reference = new RecEngine(ThreadSettings.single());
  }

  @AfterAll
  static void stop() {
    server.close();
    reference.close();
  }

  static QueryOutcome await(CompletionStage<QueryOutcome> s) throws Exception {
    return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static QueryResult served(QueryOutcome o) {
    assertThat(o).isInstanceOf(QueryOutcome.Served.class);
    return ((QueryOutcome.Served) o).result();
  }

  @ParameterizedTest(name = "{0}: N {1}, B {2}")
  @CsvSource({
      "dlrm-rmc1, 37, 8", "dlrm-rmc1, 64, 16", "dlrm-rmc1, 20, 1", "dlrm-rmc1, 33, 32", "dlrm-rmc1, 5, 5", "dlrm-rmc1, 100, 1024",
      "wnd, 37, 8", "wnd, 64, 16", "wnd, 33, 32"})
  void subRequestOutputsConcatenatedEqualTheWholeQuerysOutputs(String name, int n, int b) throws Exception {
    RecServer s = RecFixtures.server(RecFixtures.settings(name).withBatching(b, 1025), RecFixtures.ort());
    try {
      RecModel m = s.model(name);
      long seed = 1000L * n + b;
      IndexDistribution d = IndexDistribution.powerLaw(0.9);
      QueryResult r = served(await(s.submit(RecQuery.generated(name, n, seed, d).withOutputs(true))));
      RecBatch query = RecInputs.of(m, d, RecInputs.Dense.UNIFORM, seed).batch(n, 0);
      RecOutput whole = reference.run(m, query);
      assertThat(r.items()).isEqualTo(n);
      assertThat(r.subRequests()).isEqualTo((n + b - 1) / b);
      assertThat(r.batchSize()).isEqualTo(b);
      assertThat(r.path()).isEqualTo("cpu");
      assertThat(r.acceleratorSource()).isNull();
      // the same sub-batches run one after the other give exactly the server's digest
      assertThat(r.digest()).isEqualTo(reference.runSplit(m, query, b).digest());
      // and the merged outputs equal the whole query's (ONNX Runtime's GEMM may pick other kernels by row count)
      assertThat(r.outputs()).hasSize(whole.values().length);
      for (int i = 0; i < r.outputs().length; i++) assertThat((double) r.outputs()[i]).isCloseTo(whole.values()[i], within(1e-6));
      if (name.equals("wnd") || r.subRequests() == 1) assertThat(r.digest()).isEqualTo(whole.digest());
      assertThat(r.latencyMs()).isCloseTo(r.queueMs() + r.serviceMs(), within(1e-6));
      assertThat(r.queueMs()).isGreaterThanOrEqualTo(0);
      assertThat(r.computeMs()).isPositive();
    } finally {
      s.close();
    }
  }

  @Test
  void theSameQueryGivesTheSameDigestAndAnotherSeedAnother() throws Exception {
    QueryResult a = served(await(server.submit(RecQuery.generated("dlrm-rmc1", 50, 7, IndexDistribution.uniform()))));
    QueryResult b = served(await(server.submit(RecQuery.generated("dlrm-rmc1", 50, 7, IndexDistribution.uniform()))));
    QueryResult c = served(await(server.submit(RecQuery.generated("dlrm-rmc1", 50, 8, IndexDistribution.uniform()))));
    assertThat(a.digest()).isEqualTo(b.digest()).isNotEqualTo(c.digest());
    assertThat(a.outputs()).isNull();
    assertThat(b.queryId()).isGreaterThan(a.queryId());
  }

  @Test
  void aFullQueueRejectsWithACountedReasonAndAcceptedQueriesComplete() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RecSettings settings = RecFixtures.settings("dlrm-rmc1").withPool(1, 1, 2).withBatching(8, 1025);
    RecServer s = RecFixtures.server(settings, RecFixtures.gated(gate, b -> true));
    try {
      s.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      List<CompletionStage<QueryOutcome>> stages = new ArrayList<>();
      for (int i = 0; i < 6; i++) stages.add(s.submit(RecQuery.generated("dlrm-rmc1", 20, i, IndexDistribution.uniform())));
      List<QueryOutcome> rejected = new ArrayList<>();
      for (CompletionStage<QueryOutcome> st : stages.subList(2, 6)) rejected.add(await(st));
      assertThat(rejected).allSatisfy(o -> {
        assertThat(o).isInstanceOf(QueryOutcome.Rejected.class);
        assertThat(((QueryOutcome.Rejected) o).error()).isEqualTo("queue full (capacity 2)");
        assertThat(o.status()).isEqualTo(503);
      });
      assertThat(s.stats().rejected()).isEqualTo(4);
      assertThat(s.cpuAdmitted()).isEqualTo(2);
      assertThat(stages.get(0).toCompletableFuture()).isNotDone();
      gate.countDown();
      for (CompletionStage<QueryOutcome> st : stages.subList(0, 2)) assertThat(served(await(st)).subRequests()).isEqualTo(3);
      assertThat(s.stats().served()).isEqualTo(2);
      assertThat(s.cpuAdmitted()).isZero();
      // room again
      assertThat(await(s.submit(RecQuery.generated("dlrm-rmc1", 20, 9, IndexDistribution.uniform())))).isInstanceOf(QueryOutcome.Served.class);
    } finally {
      gate.countDown();
      s.close();
    }
  }

  @Test
  void aHangingSubRequestTimesItsQueryOutWithAReasonAndTheServerCarriesOn() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    RecSettings settings = RecFixtures.settings("dlrm-rmc1").withPool(2, 1, 8).withBatching(8, 1025).withQueryTimeout(Duration.ofMillis(1000));
    RecServer s = RecFixtures.server(settings, RecFixtures.gated(never, b -> b.items() == 3)); // only the 3-item tail hangs
    try {
      s.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      QueryOutcome o = await(s.submit(RecQuery.generated("dlrm-rmc1", 19, 1, IndexDistribution.uniform())));
      assertThat(o).isInstanceOf(QueryOutcome.Failed.class);
      QueryOutcome.Failed f = (QueryOutcome.Failed) o;
      assertThat(f.timedOut()).isTrue();
      assertThat(f.status()).isEqualTo(504);
      // the two 8-item sub-requests normally finish long before the timeout; on a loaded host one may still be running
      assertThat(f.error()).contains("timed out after 1000 ms").containsPattern("[12] of 3 sub-requests done");
      assertThat(s.stats().failed()).isEqualTo(1);
      assertThat(s.stats().timedOut()).isEqualTo(1);
      // the other worker still serves
      assertThat(served(await(s.submit(RecQuery.generated("dlrm-rmc1", 16, 2, IndexDistribution.uniform())))).subRequests()).isEqualTo(2);
      assertThat(s.cpuAdmitted()).isZero();
    } finally {
      never.countDown();
      s.close();
    }
  }

  @Test
  void aFailingSubRequestFailsItsQueryNamingIt() throws Exception {
    RecSettings settings = RecFixtures.settings("dlrm-rmc1").withPool(1, 1, 8).withBatching(8, 1025);
    RecServer s = RecFixtures.server(settings, RecFixtures.failing(b -> b.items() == 4, "injected failure"));
    try {
      QueryOutcome o = await(s.submit(RecQuery.generated("dlrm-rmc1", 20, 1, IndexDistribution.uniform())));
      assertThat(o).isInstanceOf(QueryOutcome.Failed.class);
      QueryOutcome.Failed f = (QueryOutcome.Failed) o;
      assertThat(f.timedOut()).isFalse();
      assertThat(f.status()).isEqualTo(500);
      assertThat(f.error()).contains("sub-request 3/3 (items 16-19) failed on worker 1: injected failure");
      assertThat(s.stats().failed()).isEqualTo(1);
      assertThat(served(await(s.submit(RecQuery.generated("dlrm-rmc1", 16, 1, IndexDistribution.uniform())))).items()).isEqualTo(16);
    } finally {
      s.close();
    }
  }

  @Test
  void queriesOfAtLeastTItemsGoWholeToTheModelledAccelerator() throws Exception {
    RecSettings settings = RecFixtures.settings("dlrm-rmc1").withBatching(8, 40);
    RecServer s = RecFixtures.server(settings, RecFixtures.ort());
    try {
      RecModel m = s.model("dlrm-rmc1");
      QueryResult big = served(await(s.submit(RecQuery.generated("dlrm-rmc1", 40, 3, IndexDistribution.uniform()))));
      assertThat(big.path()).isEqualTo("accelerator");
      assertThat(big.acceleratorSource()).isEqualTo("modelled");
      assertThat(big.subRequests()).isEqualTo(1);
      assertThat(big.batchSize()).isEqualTo(40);
      double modelled = ((ModelledAccelerator) s.accelerator()).table("dlrm-rmc1").ms(40);
      assertThat(big.modelledServiceMs()).isCloseTo(modelled, within(1e-9));
      assertThat(big.serviceMs()).isGreaterThanOrEqualTo(modelled);
      assertThat(big.digest()).isEqualTo(reference.run(m, RecInputs.uniform(m, 3).batch(40, 0)).digest());
      QueryResult small = served(await(s.submit(RecQuery.generated("dlrm-rmc1", 39, 3, IndexDistribution.uniform()))));
      assertThat(small.path()).isEqualTo("cpu");
      assertThat(small.subRequests()).isEqualTo(5);
      assertThat(small.modelledServiceMs()).isNull();
      // runtime change of T: the same 40 items now go to the CPU
      s.setPolicy("dlrm-rmc1", null, 1025);
      assertThat(served(await(s.submit(RecQuery.generated("dlrm-rmc1", 40, 3, IndexDistribution.uniform())))).path()).isEqualTo("cpu");
    } finally {
      s.close();
    }
  }

  @Test
  void theModelledAcceleratorHoldsTheModelledTimeOrReportsASlowerCpu() throws Exception {
    RecModel m = RecFixtures.model("dlrm-rmc1");
    RecBatch batch = RecInputs.uniform(m, 4).batch(16, 0);
    AtomicLong slept = new AtomicLong();
    try (RecRunner cpu = RecRunner.onnxRuntime(ThreadSettings.single())) {
      cpu.warmUp(m);
      ModelledAccelerator slow = new ModelledAccelerator(cpu, java.util.Map.of(), ServiceTimeTable.parse("1:5000, 1024:5000"), slept::addAndGet);
      Accelerator.Result r = slow.run(m, batch);
      assertThat(r.serviceMs()).isEqualTo(5000.0);
      assertThat(r.modelledMs()).isEqualTo(5000.0);
      assertThat(r.note()).isNull();
      assertThat(slept.get() / 1e6 + r.measuredMs()).isCloseTo(5000.0, within(0.01));
      assertThat(r.output().digest()).isEqualTo(reference.run(m, batch).digest());

      slept.set(0);
      ModelledAccelerator fast = new ModelledAccelerator(cpu, java.util.Map.of(), ServiceTimeTable.parse("1:0.000001, 1024:0.000001"), slept::addAndGet);
      Accelerator.Result q = fast.run(m, batch);
      assertThat(slept.get()).isZero();
      assertThat(q.serviceMs()).isEqualTo(q.measuredMs()).isGreaterThan(q.modelledMs());
      assertThat(q.note()).contains("longer than the modelled");

      ModelledAccelerator noCompute = new ModelledAccelerator(null, java.util.Map.of(), ServiceTimeTable.parse("1:2.5, 1024:2.5"), slept::addAndGet);
      Accelerator.Result n = noCompute.run(m, batch);
      assertThat(n.output()).isNull();
      assertThat(n.serviceMs()).isEqualTo(2.5);
      assertThat(noCompute.source()).isEqualTo("modelled");
    }
  }

  @Test
  void colocatedInstancesTakeQueriesInTurnAndAgree() throws Exception {
    RecServer s = RecFixtures.server(RecFixtures.settings("dlrm-rmc1").withPool(2, 2, 8), RecFixtures.ort());
    try {
      QueryResult a = served(await(s.submit(RecQuery.generated("dlrm-rmc1", 30, 5, IndexDistribution.uniform()))));
      QueryResult b = served(await(s.submit(RecQuery.generated("dlrm-rmc1", 30, 5, IndexDistribution.uniform()))));
      assertThat(List.of(a.instance(), b.instance())).containsExactlyInAnyOrder(0, 1);
      assertThat(a.digest()).isEqualTo(b.digest());
    } finally {
      s.close();
    }
  }

  @Test
  void startedServersShareOneCopyOfTheTablesPerInstanceAndAnswerAsPrivateCopiesDo() throws Exception {
    RecSettings base = RecFixtures.settings("dlrm-rmc1", "wnd").withPool(2, 2, 8);
    try (RecServer shared = RecServer.start(base); RecServer own = RecServer.start(base.withShareTables(false))) {
      shared.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      own.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      long perInstance = 0;
      for (String m : List.of("dlrm-rmc1", "wnd")) {
        RecModel model = shared.model(m);
        perInstance += model.rows().stream().mapToLong(r -> r * model.config().dim() * 4L).sum();
      }
      assertThat(shared.config()).containsEntry("sharedTables", true).containsEntry("sharedTableBytes", 2 * perInstance)
          .containsEntry("instancesSettable", false);
      assertThat(own.config()).containsEntry("sharedTables", false).containsEntry("sharedTableBytes", 0L);
      for (int i = 0; i < 4; i++) { // both instances, several workers
        for (String m : List.of("dlrm-rmc1", "wnd")) {
          QueryResult a = served(await(shared.submit(RecQuery.generated(m, 40, 9 + i, IndexDistribution.uniform()))));
          QueryResult b = served(await(own.submit(RecQuery.generated(m, 40, 9 + i, IndexDistribution.uniform()))));
          assertThat(a.digest()).isEqualTo(b.digest()).isEqualTo(reference.run(model(m), RecInputs.uniform(model(m), 9 + i).batch(40, 0)).digest());
        }
      }
    }
  }

  static RecModel model(String name) { return RecFixtures.model(name); }

  @Test
  void policiesAreValidatedAndPerModel() {
    BatchPolicy wnd = server.policy("wnd");
    assertThatThrownBy(() -> server.setPolicy(null, 0, null)).hasMessageContaining("batchSize: must be in [1, 1024], was 0");
    assertThatThrownBy(() -> server.setPolicy(null, null, 1026)).hasMessageContaining("acceleratorThreshold: must be in [1, 1025] (1025 = never)");
    assertThatThrownBy(() -> server.setPolicy("ncf", 8, null)).isInstanceOf(RecServer.UnknownModelException.class).hasMessageContaining("'ncf'");
    int before = server.policy("dlrm-rmc1").batchSize();
    try {
      server.setPolicy("dlrm-rmc1", 16, 500);
      assertThat(server.policy("dlrm-rmc1")).isEqualTo(new BatchPolicy(16, 500));
      assertThat(server.policy("wnd")).isEqualTo(wnd);
    } finally {
      server.setPolicy("dlrm-rmc1", before, 1025);
    }
  }

  @Test
  void badQueriesAreCountedAndAnswered() throws Exception {
    long before = server.stats().badRequests();
    QueryOutcome unknown = await(server.submit(RecQuery.generated("ncf", 4, 1, IndexDistribution.uniform())));
    assertThat(unknown.status()).isEqualTo(404);
    QueryOutcome tooBig = await(server.submit(RecQuery.generated("wnd", 2000, 1, IndexDistribution.uniform())));
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(((QueryOutcome.Invalid) tooBig).error()).startsWith("items:");
    assertThat(server.stats().badRequests() - before).isEqualTo(2);
  }

  @Test
  void theAcceleratorIsCudaWhenOnnxRuntimeOffersItElseModelled() {
    assertThat(OrtGpuAccelerator.available(java.util.EnumSet.of(ai.onnxruntime.OrtProvider.CPU, ai.onnxruntime.OrtProvider.CUDA))).isTrue();
    assertThat(OrtGpuAccelerator.available(java.util.EnumSet.of(ai.onnxruntime.OrtProvider.CPU))).isFalse();
    RecSettings base = RecFixtures.settings("dlrm-rmc1");
    boolean cuda = OrtGpuAccelerator.available(OrtGpuAccelerator.availableProviders());
    try (Accelerator auto = RecServer.accelerator(base, ThreadSettings.single())) {
      assertThat(auto.source()).isEqualTo(cuda ? "real" : "modelled");
    }
    RecSettings modelled = base.withAccelerator(new RecSettings.AcceleratorSettings(RecSettings.AcceleratorMode.MODELLED, 4, true,
        base.accelerator().serviceTimeMs()));
    try (Accelerator a = RecServer.accelerator(modelled, ThreadSettings.single())) {
      assertThat(a).isInstanceOf(ModelledAccelerator.class);
    }
    if (!cuda) {
      RecSettings real = base.withAccelerator(new RecSettings.AcceleratorSettings(RecSettings.AcceleratorMode.REAL, 4, true,
          base.accelerator().serviceTimeMs()));
      assertThatThrownBy(() -> RecServer.accelerator(real, ThreadSettings.single())).hasMessageContaining("no CUDA execution provider");
    }
  }

  @Test
  void theSubRequestsOfOneQueryRunOnSeveralWorkersAtOnce() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RecServer s = RecFixtures.server(RecFixtures.settings("dlrm-rmc1").withPool(2, 1, 4).withBatching(10, 1025), RecFixtures.gated(gate, b -> true));
    try {
      s.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
      CompletionStage<QueryOutcome> q = s.submit(RecQuery.generated("dlrm-rmc1", 30, 1, IndexDistribution.uniform()));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> s.busyWorkers() == 2 && s.fifoLength() == 1);
      assertThat(q.toCompletableFuture()).isNotDone();
      gate.countDown();
      QueryResult r = served(await(q));
      assertThat(r.subRequests()).isEqualTo(3);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> s.busyWorkers() == 0);
    } finally {
      gate.countDown();
      s.close();
    }
  }
}
