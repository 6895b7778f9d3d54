package io.testbed.orchestrator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.orchestrator.Fixtures;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSummaryTest {
  static InferenceResult ok(double latencyMs, Double energyJ, PowerSource source) {
    InferenceCommand c = new InferenceCommand(SchemaVersion.CURRENT, "d", 1, "c", "m", "cpu", Precision.FP32, 1, 1, null,
        null, null, 1000);
    InferenceResult r = Fixtures.okResult(c, latencyMs);
    return new InferenceResult(r.schemaVersion(), r.deviceId(), r.timestampNs(), r.correlationId(), r.model(), r.target(),
        r.precision(), r.executedOn(), r.batchSize(), Outcome.OK, null, latencyMs, latencyMs / 2, null, r.startNs(),
        r.endNs(), null, energyJ, energyJ == null ? null : source, null, null);
  }

  static InferenceResult timeout() {
    return new InferenceResult(SchemaVersion.CURRENT, "d", 5, "c", "m", "cpu", Precision.FP32, "d", 1, Outcome.TIMEOUT,
        "timeout: no reply", 3000, 0, null, 5, 5, null, null, null, null, null);
  }

  @Test
  void latencyStatisticsOverOkResultsOnly() {
    List<InferenceResult> results = new ArrayList<>();
    for (int i = 1; i <= 100; i++) results.add(ok(i, 0.1, PowerSource.MODELLED));
    results.add(timeout());
    JobSummary s = JobSummary.of(results);
    assertThat(s.count()).isEqualTo(101);
    assertThat(s.ok()).isEqualTo(100);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.outcomes()).containsEntry("ok", 100).containsEntry("timeout", 1);
    assertThat(s.latencyMs().mean()).isCloseTo(50.5, within(0.1));
    assertThat(s.latencyMs().p50()).isCloseTo(50, within(0.1));
    assertThat(s.latencyMs().p95()).isCloseTo(95, within(0.1));
    assertThat(s.latencyMs().max()).isCloseTo(100, within(0.1));
    assertThat(s.computeMsMean()).isCloseTo(25.25, within(0.01));
    assertThat(s.energyJTotal()).isCloseTo(10.0, within(1e-9));
    assertThat(s.energyJMean()).isCloseTo(0.1, within(1e-9));
    assertThat(s.energySource()).isEqualTo("modelled");
  }

  @Test
  void emptyAndMixedSources() {
    JobSummary empty = JobSummary.of(List.of(timeout()));
    assertThat(empty.latencyMs()).isNull();
    assertThat(empty.energyJTotal()).isNull();
    assertThat(empty.energySource()).isNull();
    JobSummary mixed = JobSummary.of(List.of(ok(1, 1.0, PowerSource.METERED), ok(2, 1.0, PowerSource.MODELLED), ok(3, null, null)));
    assertThat(mixed.energySource()).isEqualTo("mixed");
    assertThat(mixed.energyJMean()).isEqualTo(1.0);
  }
}
