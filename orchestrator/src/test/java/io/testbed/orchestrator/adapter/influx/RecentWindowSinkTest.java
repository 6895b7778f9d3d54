package io.testbed.orchestrator.adapter.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.orchestrator.port.TelemetryPoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentWindowSinkTest {
  static TelemetryPoint point(String run, long t) {
    return new TelemetryPoint("inference", Map.of("device", "d", "run", run), Map.of("latencyMs", 1.5), t);
  }

  @Test
  void sinceReturnsOnlyNewPointsStillInTheWindow() {
    RecentWindowSink w = RecentWindowSink.memoryOnly(3);
    for (int i = 1; i <= 2; i++) w.write(point("none", i));
    var first = w.since(0);
    assertThat(first.points()).extracting(TelemetryPoint::timestampNs).containsExactly(1L, 2L);
    for (int i = 3; i <= 6; i++) w.write(point("none", i));
    var second = w.since(first.next());
    // 4 written since, but the window holds 3: the oldest new one is gone.
    assertThat(second.points()).extracting(TelemetryPoint::timestampNs).containsExactly(4L, 5L, 6L);
    assertThat(w.since(second.next()).points()).isEmpty();
    assertThat(w.since(Long.MAX_VALUE).points()).isEmpty();
  }

  @Test
  void keepsEveryPointOfARunBeyondTheWindow() {
    RecentWindowSink w = RecentWindowSink.memoryOnly(2);
    for (int i = 1; i <= 5; i++) w.write(point("run-a", i));
    w.write(point("none", 6));
    assertThat(w.run("run-a")).hasSize(5);
    assertThat(w.run("none")).isEmpty();
    assertThat(w.run("unknown")).isEmpty();
    assertThat(w.lineProtocol(point("run-a", 7))).isEqualTo("inference,device=d,run=run-a latencyMs=1.5 7");
  }
}
