package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpSchedulerTest {
  static WindowStats window(long... ms) {
    long[] ns = new long[ms.length];
    for (int i = 0; i < ms.length; i++) ns[i] = ms[i] * 1_000_000L;
    return WindowStats.of(ns, 0);
  }

  @Test
  void walksEveryConfigurationOnceAtTheSameLoadThenFinishesWithThePooledLatencies() {
    WarmUpScheduler w = new WarmUpScheduler(WarmUpScheduler.cpuConfigs(List.of(1024, 16, 64, 16)), 5.0);
    assertThat(w.configs()).extracting(RecConfig::batchSize).containsExactly(16, 64, 1024);
    RecSchedDecision d = w.start(0);
    assertThat(d).isEqualTo(new RecSchedDecision.Configure(RecConfig.cpuOnly(16), 5.0, 1));
    assertThat(w.onWindow(window(10, 20))).isEqualTo(new RecSchedDecision.Configure(RecConfig.cpuOnly(64), 5.0, 2));
    assertThat(w.onWindow(window(30, 40))).isEqualTo(new RecSchedDecision.Configure(RecConfig.cpuOnly(1024), 5.0, 3));
    RecSchedDecision end = w.onWindow(window(50, 1000));
    assertThat(end).isInstanceOf(RecSchedDecision.Finished.class);
    RecSchedDecision.Finished f = (RecSchedDecision.Finished) end;
    assertThat(f.qps()).isEqualTo(5.0);
    assertThat(f.history()).isEmpty();
    assertThat(f.p95Ns()).isEqualTo(1000_000_000L); // nearest rank over the 6 pooled latencies
    assertThat(w.pooled().count()).isEqualTo(6);
    assertThat(w.onWindow(window(1))).isSameAs(end);
  }

  @Test
  void refusesNoConfigurationsOrNoLoad() {
    assertThatThrownBy(() -> new WarmUpScheduler(List.of(), 5)).hasMessageContaining("at least one configuration");
    assertThatThrownBy(() -> new WarmUpScheduler(List.of(RecConfig.cpuOnly(4)), 0)).hasMessageContaining("qps");
    assertThatThrownBy(() -> new WarmUpScheduler(List.of(RecConfig.cpuOnly(4)), 1).onWindow(window(1))).hasMessageContaining("start()");
  }
}
