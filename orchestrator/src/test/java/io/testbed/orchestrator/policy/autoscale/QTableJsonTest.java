package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QTableJsonTest {
  static final AutoScaleSettings S = AutoScaleSettings.defaults();
  static final StateDiscretiser D = new StateDiscretiser(S.bins());
  static final QTableJson CODEC = new QTableJson(D);
  static final QTable.Id ID = new QTable.Id("phone-1", "mobilenet");
  static final StateKey A = D.parse("conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0 rssi[cloud-1]=regular rssi[edge-1]=weak");
  static final StateKey B = D.parse("conv<30 fc<10 rnn=no macs<500M cpu>=0.75 mem=0 rssi[cloud-1]=weak rssi[edge-1]=weak");

  static QTable learned() {
    ActionSpace space = AutoScaleFixtures.phoneSpace(AccuracyMask.none());
    QLearner l = QLearner.fresh(S, space, ID, new SplittableRandom(1));
    l.update(A, space.indexOf("cloud:cloud-1"), -0.0184, A);
    l.update(A, space.indexOf("gpu"), -0.031, B);
    l.update(B, space.indexOf("gpu"), -0.035, B);
    return l.table();
  }

  @Test
  void roundTripKeepsEveryValueAndTheUpdateCount() {
    QTable t = learned();
    QTable back = CODEC.read(CODEC.write(t));
    assertThat(back.id()).isEqualTo(ID);
    assertThat(back.actionIds()).isEqualTo(t.actionIds());
    assertThat(back.updates()).isEqualTo(3);
    assertThat(back.binsSignature()).isEqualTo(S.bins().signature());
    assertThat(back.rows()).containsOnlyKeys(A, B);
    for (StateKey s : List.of(A, B)) assertThat(back.rows().get(s)).containsExactly(t.rows().get(s));
    assertThat(CODEC.write(back)).isEqualTo(CODEC.write(t));
  }

  @Test
  void jsonIsReadableWithStatesAsTextAndValuesByActionId() {
    String json = CODEC.write(learned());
    assertThat(json).startsWith("{\"schemaVersion\":1,\"deviceId\":\"phone-1\",\"model\":\"mobilenet\",\"bins\":\"conv:<30|<50|>=50")
        .contains("\"updates\":3", "\"actions\":[\"cpu@600\",\"cpu@1200\",\"cpu@1800\",\"gpu\",\"dsp\",\"edge:edge-1\",\"cloud:cloud-1\"]",
            "\"conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0 rssi[cloud-1]=regular rssi[edge-1]=weak\":{\"cpu@600\":0.0,",
            "\"cloud:cloud-1\":-0.01656");
  }

  @Test
  void aLearnerResumesFromTheStore() throws Exception {
    InMemoryQTableStore store = new InMemoryQTableStore(CODEC);
    QTable t = learned();
    store.save(t).toCompletableFuture().get();
    t.rowForUpdate(A, 0)[0] = -99; // later changes do not reach the store
    QTable loaded = store.load(ID).toCompletableFuture().get().orElseThrow();
    assertThat(loaded.q(A, "cpu@600", 0)).isEqualTo(0.0);
    QLearner resumed = new QLearner(S, AutoScaleFixtures.phoneSpace(AccuracyMask.none()), loaded, new SplittableRandom(1));
    assertThat(resumed.greedy(A).id()).isEqualTo("cpu@600"); // untried, optimistic 0 still beats the tried ones
    assertThat(store.load(new QTable.Id("phone-2", "mobilenet")).toCompletableFuture().get()).isEmpty();
    assertThat(store.ids().toCompletableFuture().get()).containsExactly(ID);
    assertThat(store.json(ID)).hasValueSatisfying(j -> assertThat(j).contains("\"updates\":3"));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "not json|Q-table is not JSON",
      "[]|must be a JSON object",
      "{\"schemaVersion\":2}|schemaVersion must be 1",
      "{\"schemaVersion\":1,\"model\":\"m\"}|deviceId is required",
      "{\"schemaVersion\":1,\"deviceId\":\"d\",\"model\":\"m\",\"bins\":\"b\",\"updates\":1.5}|updates must be an integer",
      "{\"schemaVersion\":1,\"deviceId\":\"d\",\"model\":\"m\",\"bins\":\"b\",\"updates\":1,\"actions\":[\"a\"],\"states\":{\"x\":{}}}|state 'x' must have at least 6 tokens",
      "{\"schemaVersion\":1,\"deviceId\":\"d\",\"model\":\"m\",\"bins\":\"b\",\"updates\":1,\"actions\":[\"a\"],\"states\":{\"conv<30 fc<10 rnn=no macs<500M cpu=0 mem=0\":{\"a\":\"x\"}}}|.a must be a number",
      "{\"schemaVersion\":1,\"deviceId\":\"d\",\"model\":\"m\",\"bins\":\"b\",\"updates\":1,\"actions\":[\"a\",\"a\"],\"states\":{}}|actionIds must be distinct"})
  void badJsonIsRefusedNamingTheField(String json, String message) {
    assertThatThrownBy(() -> CODEC.read(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void remapKeepsValuesById() {
    QTable t = learned();
    QTable r = t.remapTo(List.of("gpu", "npu"), -1);
    assertThat(r.rows().get(A)).containsExactly(t.q(A, "gpu", 0), -1);
    assertThat(t.remapTo(t.actionIds(), 0)).isSameAs(t);
    assertThat(QTable.restore(ID, "b", List.of("a"), Map.of(), 0).stateCount()).isZero();
  }
}
