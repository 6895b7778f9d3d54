package io.testbed.power.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.power.port.MeterInfo;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private static final MeterInfo METER = new MeterInfo("ina-1", "jetson-1", PowerSource.METERED, 1000, 0.001);

  private static PowerSample at(long t) { return new PowerSample(t, 1.0, null, null); }

  @Test
  void filterDropsAndCountsDuplicatesAndBackwardsTimestamps() {
    TimestampFilter f = new TimestampFilter();
    assertThat(f.check(at(10))).isEqualTo(TimestampFilter.Verdict.ACCEPTED);
    assertThat(f.check(at(20))).isEqualTo(TimestampFilter.Verdict.ACCEPTED);
    assertThat(f.check(at(20))).isEqualTo(TimestampFilter.Verdict.DUPLICATE);
    assertThat(f.check(at(15))).isEqualTo(TimestampFilter.Verdict.NON_MONOTONIC);
    assertThat(f.check(at(20))).isEqualTo(TimestampFilter.Verdict.DUPLICATE);
    assertThat(f.check(at(21))).isEqualTo(TimestampFilter.Verdict.ACCEPTED);
    assertThat(f.duplicates()).isEqualTo(2);
    assertThat(f.nonMonotonic()).isEqualTo(1);
    assertThat(f.lastAcceptedNs()).isEqualTo(21);
  }

  @Test
  void batcherIsDueBySizeOrByAge() {
    SampleBatcher b = new SampleBatcher(METER, Duration.ofMillis(100), 3);
    assertThat(b.due(0)).isFalse();
    b.add(at(1), 1_000);
    b.add(at(2), 2_000);
    assertThat(b.due(50_000_000)).isFalse();
    assertThat(b.due(1_000 + 100_000_000)).isTrue(); // oldest waited 100 ms
    b.add(at(3), 3_000);
    assertThat(b.due(3_000)).isTrue(); // full
    PowerSampleBatch batch = b.drain(777, 3_000);
    assertThat(batch.samples()).extracting(PowerSample::timestampNs).containsExactly(1L, 2L, 3L);
    assertThat(batch.meterId()).isEqualTo("ina-1");
    assertThat(batch.deviceId()).isEqualTo("jetson-1");
    assertThat(batch.source()).isEqualTo(PowerSource.METERED);
    assertThat(batch.sampleRateHz()).isEqualTo(1000);
    assertThat(batch.timestampNs()).isEqualTo(777);
    assertThat(b.drain(778, 4_000)).isNull();
  }

  @Test
  void batcherSplitsOverfullBatches() {
    SampleBatcher b = new SampleBatcher(METER, Duration.ofMillis(100), 2);
    for (int i = 1; i <= 5; i++) b.add(at(i), 0);
    assertThat(b.drain(1, 0).samples()).hasSize(2);
    assertThat(b.drain(1, 0).samples()).hasSize(2);
    assertThat(b.drain(1, 0).samples()).extracting(PowerSample::timestampNs).containsExactly(5L);
  }

  @Test
  void backoffGrowsExponentiallyUpToTheCapWithBoundedJitter() {
    Backoff plain = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 0);
    SplittableRandom rnd = new SplittableRandom(1);
    assertThat(plain.delay(0, rnd)).isEqualTo(Duration.ofMillis(100));
    assertThat(plain.delay(3, rnd)).isEqualTo(Duration.ofMillis(800));
    assertThat(plain.delay(10, rnd)).isEqualTo(Duration.ofSeconds(2));
    Backoff jittered = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 0.2);
    for (int i = 0; i < 100; i++) {
      assertThat(jittered.delay(2, rnd)).isBetween(Duration.ofMillis(320), Duration.ofMillis(480));
    }
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0)).hasMessageContaining("backoff.max");
  }
}
