package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.testbed.experiments.loadgen.Query;
import io.testbed.experiments.loadgen.QueryOutcome;
import io.testbed.experiments.loadgen.QueryRecord;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.policy.FixedTargetPolicy;
import io.testbed.orchestrator.policy.TargetPolicy;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The fleet as LoadGen's SUT: queries become one command each through the twins; outcomes and policy feedback. */
class FleetSutTest {
  static final ActorTestKit testKit = ActorTestKit.create("fleet-sut-test",
      ConfigFactory.parseString("pekko.actor.serialize-messages = on").withFallback(ConfigFactory.load()));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Remembers every choice and every piece of feedback; places queries like the fixed policy. */
  static final class RecordingPolicy implements TargetPolicy {
    final TargetPolicy fixed;
    final List<String> learned = new CopyOnWriteArrayList<>();

    RecordingPolicy(String target, String offloadTo) {
      fixed = new FixedTargetPolicy(List.of("phone-1", "phone-2"), List.of("mobilenet"), target, offloadTo);
    }

    @Override public String name() { return "recording"; }

    @Override public Decision choose(QueryContext q, FleetState fleet) { return fixed.choose(q, fleet); }

    @Override public void learn(QueryContext q, Decision d, Feedback f) {
      learned.add(q.queryId() + "@" + d.deviceId() + ":" + f.ok() + ":" + f.latencyMs() + ":" + f.energyJ());
    }
  }

  final List<DeviceTwin.RunInference> sent = new CopyOnWriteArrayList<>();
  final List<String> lost = new CopyOnWriteArrayList<>();

  FleetSut sut(TargetPolicy policy) {
    ActorRef<DeviceRegistry.Command> registry = testKit.spawn(Behaviors.receive(DeviceRegistry.Command.class)
        .onMessage(DeviceRegistry.Deliver.class, m -> {
          DeviceTwin.RunInference r = (DeviceTwin.RunInference) m.message();
          sent.add(r);
          DeviceTwin.InferenceRequest q = r.request();
          InferenceCommand c = new InferenceCommand(SchemaVersion.CURRENT, m.deviceId(), Fixtures.T0, "c", q.model(),
              q.target(), Precision.FP32, q.batchSize(), q.inputSeed(), null, q.offloadDeviceId(), q.offloadUrl(), q.timeoutMs());
          InferenceResult res = m.deviceId().equals("phone-1") ? Fixtures.okResult(c, 3.0)
              : new InferenceResult(SchemaVersion.CURRENT, m.deviceId(), Fixtures.T0, "c", q.model(), q.target(),
                  Precision.FP32, m.deviceId(), q.batchSize(), Outcome.FAILED, "device-offline: device 'phone-2' is offline",
                  0, 0, null, Fixtures.T0, Fixtures.T0, null, null, null, null, null);
          r.replyTo().tell(new DeviceTwin.InferenceDone(m.deviceId(), res));
          return Behaviors.same();
        }).build());
    Map<String, TwinRef> twins = Map.of("phone-1", DeviceRegistry.twin(registry, "phone-1"),
        "phone-2", DeviceRegistry.twin(registry, "phone-2"));
    return new FleetSut(new FleetSut.Setup("run-1", 2, policy, List.of("phone-1", "phone-2"), twins,
        Map.of("cloud-1", "http://cloud:9000/infer"), null, 5000, Duration.ofSeconds(5), testKit.system().scheduler()),
        (device, reason) -> lost.add(device + " " + reason));
  }

  static QueryOutcome issue(FleetSut sut, Query q) throws Exception {
    CompletableFuture<QueryOutcome> done = new CompletableFuture<>();
    sut.issue(q, done::complete);
    return done.get(5, TimeUnit.SECONDS);
  }

  static QueryRecord record(Query q, QueryOutcome o, long latencyNs) {
    return new QueryRecord(q.id(), q.sampleCount(), q.sampleIndices(), 0, 0, latencyNs, latencyNs, o.device(), o.target(),
        o.outcome(), o.reason(), o.energyJ(), o.energySource(), o.outputDigest());
  }

  @Test
  void eachQueryIsOneCommandThroughTheTwinAndItsOutcomeComesBack() throws Exception {
    RecordingPolicy policy = new RecordingPolicy("cpu", null);
    FleetSut sut = sut(policy);
    Query multi = new Query(0, List.of(17, 3, 5, 8), 0);
    QueryOutcome ok = issue(sut, multi);
    assertThat(ok.outcome()).isEqualTo(Outcome.OK);
    assertThat(ok.device()).isEqualTo("phone-1");
    assertThat(ok.target()).isEqualTo("cpu");
    assertThat(ok.energyJ()).isEqualTo(0.05);
    assertThat(ok.energySource()).isEqualTo(PowerSource.MODELLED);
    assertThat(ok.outputDigest()).isEqualTo("abcd");
    DeviceTwin.RunInference cmd = sent.get(0);
    assertThat(cmd.request().batchSize()).isEqualTo(4);
    assertThat(cmd.request().inputSeed()).isEqualTo(17);
    assertThat(cmd.request().timeoutMs()).isEqualTo(5000);
    assertThat(cmd.runId()).isEqualTo("run-1");
    assertThat(cmd.policy()).isEqualTo("recording");

    Query second = new Query(1, List.of(2), 0);
    QueryOutcome failed = issue(sut, second);
    assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(failed.reason()).startsWith("device-offline");
    assertThat(failed.device()).isEqualTo("phone-2");
    issue(sut, new Query(3, List.of(9), 0));
    assertThat(lost).containsExactly("phone-2 device-offline: device 'phone-2' is offline"); // reported once

    assertThat(sut.completed(record(multi, ok, 4_000_000))).isEqualTo("mobilenet");
    assertThat(sut.completed(record(second, failed, 1_000_000))).isEqualTo("mobilenet");
    assertThat(policy.learned).containsExactly("0@phone-1:true:4.0:0.05", "1@phone-2:false:1.0:null");
    assertThat(sut.completed(record(multi, ok, 1))).isNull(); // already learned
  }

  @Test
  void offloadCarriesThePeerAndItsEndpoint() throws Exception {
    FleetSut sut = sut(new RecordingPolicy("offload", "cloud-1"));
    issue(sut, new Query(0, List.of(1), 0));
    DeviceTwin.InferenceRequest q = sent.get(0).request();
    assertThat(q.target()).isEqualTo("offload");
    assertThat(q.offloadDeviceId()).isEqualTo("cloud-1");
    assertThat(q.offloadUrl()).isEqualTo("http://cloud:9000/infer");
    assertThat(sut.name()).contains("phone-1", "phone-2", "recording");
  }
}
