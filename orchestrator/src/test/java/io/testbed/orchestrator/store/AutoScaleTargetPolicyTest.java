package io.testbed.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.orchestrator.AutoScalePhone;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.policy.TargetPolicy;
import io.testbed.orchestrator.policy.autoscale.AccuracyMask;
import io.testbed.orchestrator.policy.autoscale.AutoScaleSettings;
import io.testbed.orchestrator.policy.autoscale.AutoScaleTargetPolicy;
import io.testbed.orchestrator.policy.autoscale.QTable;
import io.testbed.orchestrator.policy.autoscale.QTableJson;
import io.testbed.orchestrator.policy.autoscale.StateDiscretiser;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AutoScale adapter of the experiment runner's TargetPolicy seam: observes heartbeats (per-link RSSI), maps its
 * actions to commands (target, precision, DVFS level, offload peer), learns from results (moves off a weak cloud link),
 * and persists its Q-table in the file store so a new policy instance resumes it.
 */
class AutoScaleTargetPolicyTest {
  @TempDir Path dir;

  static final Hello PHONE = AutoScalePhone.hello("phone-1");
  static final Hello CLOUD = Fixtures.cloudHello("cloud-1", "http://127.0.0.1:9/infer");
  static final AutoScaleSettings SETTINGS = AutoScaleSettings.defaults();

  FileQTableStore store() {
    return new FileQTableStore(dir.resolve("qtables"), new QTableJson(new StateDiscretiser(SETTINGS.bins())));
  }

  AutoScaleTargetPolicy policy(FileQTableStore store, List<AutoScaleTargetPolicy.Step> steps) {
    return new AutoScaleTargetPolicy(new AutoScaleTargetPolicy.Setup(PHONE, List.of(CLOUD), List.of("mobilenet"), SETTINGS,
        AccuracyMask.none(), Map.of(Precision.FP32, 0.72), store, 3, 0), steps::add);
  }

  static Heartbeat heartbeat(double rssi) {
    return new Heartbeat(SchemaVersion.CURRENT, "phone-1", 1, 1, 0.2, 1, 2, null, PowerSource.MODELLED, rssi, 0.0, 0.0,
        Map.of("cloud-1", rssi), null);
  }

  /** A synthetic phone: the cloud is best at strong RSSI, far too slow and costly at weak RSSI. */
  static TargetPolicy.Feedback outcome(TargetPolicy.Decision d, double rssi) {
    if ("offload".equals(d.target())) {
      return rssi < -80 ? new TargetPolicy.Feedback(true, 90, 0.3, null) : new TargetPolicy.Feedback(true, 10, 0.02, null);
    }
    if ("dsp".equals(d.target())) return new TargetPolicy.Feedback(true, 30, 0.08, null);
    return new TargetPolicy.Feedback(true, d.dvfsLevelMHz() != null && d.dvfsLevelMHz() == 1000 ? 45 : 25,
        d.dvfsLevelMHz() != null && d.dvfsLevelMHz() == 1000 ? 0.09 : 0.12, null);
  }

  double cloudShare(AutoScaleTargetPolicy p, double rssi, long from, int n, List<TargetPolicy.Decision> out) {
    int cloud = 0;
    for (long i = from; i < from + n; i++) {
      TargetPolicy.QueryContext q = new TargetPolicy.QueryContext(i, 1, 1);
      TargetPolicy.Decision d = p.choose(q, new TargetPolicy.FleetState(List.of("phone-1"), Set.of()),
          Map.of("phone-1", heartbeat(rssi)));
      out.add(d);
      if ("offload".equals(d.target())) cloud++;
      p.learn(q, d, outcome(d, rssi), null);
    }
    return cloud / (double) n;
  }

  @Test
  void learnsFromResultsAndMapsActionsToCommands() {
    List<AutoScaleTargetPolicy.Step> steps = new ArrayList<>();
    AutoScaleTargetPolicy p = policy(store(), steps);
    assertThat(p.observes()).isTrue();
    List<TargetPolicy.Decision> decisions = new ArrayList<>();
    cloudShare(p, -55, 0, 100, decisions);
    assertThat(cloudShare(p, -55, 100, 100, decisions)).as("strong: cloud").isGreaterThan(0.8);
    cloudShare(p, -90, 200, 60, decisions);
    assertThat(cloudShare(p, -90, 260, 100, decisions)).as("weak: off the cloud").isLessThan(0.2);
    assertThat(cloudShare(p, -55, 360, 100, decisions)).as("strong again: back on the cloud").isGreaterThan(0.8);
    // every action maps to a command the device understands
    assertThat(decisions).allSatisfy(d -> {
      assertThat(d.deviceId()).isEqualTo("phone-1");
      assertThat(d.model()).isEqualTo("mobilenet");
      if (d.target().equals("offload")) {
        assertThat(d.offloadTo()).isEqualTo("cloud-1");
        assertThat(d.precision()).isEqualTo(Precision.FP32);
      } else if (d.target().equals("cpu")) {
        assertThat(d.dvfsLevelMHz()).isIn(1000, 2000);
        assertThat(d.precision()).isEqualTo(Precision.FP32);
      } else {
        assertThat(d.target()).isEqualTo("dsp");
        assertThat(d.precision()).isEqualTo(Precision.INT8);
      }
    });
    assertThat(steps).hasSize(decisions.size());
    AutoScaleTargetPolicy.Step weak = steps.get(300);
    assertThat(weak.state()).contains("rssi[cloud-1]=weak");
    assertThat(weak.reward()).isEqualTo(-weak.outcome().energyJ() - (weak.outcome().latencyMs() > 50 ? 10 : 0));
    assertThat(steps.get(0).outcome().accuracy()).isEqualTo(0.72);
  }

  @Test
  void qTableIsPersistedAndResumedByANewPolicy() throws Exception {
    FileQTableStore store = store();
    AutoScaleTargetPolicy first = policy(store, new ArrayList<>());
    List<TargetPolicy.Decision> ignored = new ArrayList<>();
    cloudShare(first, -55, 0, 150, ignored);
    first.finish();
    Path file = dir.resolve("qtables/phone-1/mobilenet.json");
    assertThat(file).exists();
    assertThat(store.ids().toCompletableFuture().join()).containsExactly(new QTable.Id("phone-1", "mobilenet"));
    QTable saved = store.load(new QTable.Id("phone-1", "mobilenet")).toCompletableFuture().join().orElseThrow();
    assertThat(saved.updates()).isEqualTo(150);
    assertThat(Files.readString(file)).contains("\"updates\":150", "cloud:cloud-1");

    // a new instance (a restart) resumes: no exploration of a new state, the cloud at once
    AutoScaleTargetPolicy second = new AutoScaleTargetPolicy(new AutoScaleTargetPolicy.Setup(PHONE, List.of(CLOUD),
        List.of("mobilenet"), SETTINGS.withLearning(new AutoScaleSettings.Learning(0.9, 0.1, 0.0, 1, 0, 0)),
        AccuracyMask.none(), Map.of(), store, 9, 0), s -> {});
    assertThat(second.notes()).singleElement().asString().contains("resumed Q-table phone-1/mobilenet (150 updates)");
    assertThat(cloudShare(second, -55, 0, 20, new ArrayList<>())).isEqualTo(1.0);
    assertThat(second.learner("mobilenet").table().updates()).isGreaterThanOrEqualTo(150);

    // a table learned under other bins is discarded, not used
    Files.writeString(file, Files.readString(file).replace(saved.binsSignature(), "other-bins"));
    AutoScaleTargetPolicy third = policy(store, new ArrayList<>());
    assertThat(third.notes()).singleElement().asString().startsWith("discarded Q-table phone-1/mobilenet");
    assertThat(third.learner("mobilenet").table().updates()).isZero();
  }

  @Test
  void storeRefusesIdsThatAreNotNames() {
    FileQTableStore store = store();
    assertThat(store.json(new QTable.Id("..", "x"))).isEmpty();
    assertThat(store.json(new QTable.Id("phone-1", "../../etc/passwd"))).isEmpty();
    assertThat(store.ids().toCompletableFuture().join()).isEmpty();
  }
}
