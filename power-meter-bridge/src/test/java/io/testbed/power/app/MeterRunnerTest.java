package io.testbed.power.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.power.pipeline.Backoff;
import io.testbed.power.port.MeterAdapter;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.port.TimeSource;
import io.testbed.power.testing.RecordingPublisher;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MeterRunnerTest {
  private final TimeSource time = TimeSource.system();

  /** A meter whose every start fails after the first {@code goodPolls} polls, counting calls. */
  private static final class FlakyMeter implements MeterAdapter {
    final MeterInfo info;
    final int goodPolls;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final TimeSource time;

    FlakyMeter(String id, int goodPolls, TimeSource time) {
      this.info = new MeterInfo(id, "dev-" + id, PowerSource.METERED, 200, 0.001);
      this.goodPolls = goodPolls;
      this.time = time;
    }

    @Override
    public MeterInfo info() { return info; }

    @Override
    public Duration pollInterval() { return Duration.ofMillis(5); }

    @Override
    public void start() throws MeterException {
      if (starts.incrementAndGet() > 1) throw new MeterException("unplugged");
    }

    @Override
    public List<PowerSample> poll() throws MeterException {
      if (polls.incrementAndGet() > goodPolls) throw new MeterException("garbage reply");
      return List.of(new PowerSample(time.epochNanos(), 1.0, null, null));
    }

    @Override
    public void close() { closes.incrementAndGet(); }
  }

  @Test
  void aFailingMeterBacksOffExponentiallyWhileTheOthersKeepPublishing() {
    RecordingPublisher pub = new RecordingPublisher();
    FlakyMeter bad = new FlakyMeter("bad", 3, time);
    FlakyMeter good = new FlakyMeter("good", Integer.MAX_VALUE, time);
    Backoff backoff = new Backoff(Duration.ofMillis(80), Duration.ofMillis(640), 2.0, 0);
    MeterRunner badRunner = new MeterRunner(bad, pub, Duration.ofMillis(20), 50, backoff, new java.util.SplittableRandom(1), time).startThread();
    MeterRunner goodRunner = new MeterRunner(good, pub, Duration.ofMillis(20), 50, backoff, new java.util.SplittableRandom(2), time).startThread();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> bad.starts.get() >= 5);
      // backoff 80 + 160 + 320 + 640 ms between the 5 starts: the good meter kept polling all the while
      assertThat(good.polls.get()).isGreaterThan(50);
      await().atMost(Duration.ofSeconds(5)).until(() -> pub.samples("good").size() > 50);
    } finally {
      badRunner.stop(Duration.ofSeconds(5));
      goodRunner.stop(Duration.ofSeconds(5));
    }
    MeterStatus b = badRunner.status();
    assertThat(b.failures()).isGreaterThanOrEqualTo(5); // the garbage poll, then failed starts
    assertThat(b.restarts()).isZero(); // never came back
    assertThat(b.samplesPublished()).isEqualTo(3); // what it read before the garbage still went out
    assertThat(b.lastError()).isEqualTo("unplugged");
    assertThat((long) bad.closes.get()).isGreaterThanOrEqualTo(b.failures());
    assertThat(pub.events).hasSizeGreaterThanOrEqualTo(5).allSatisfy(e -> assertThat(e.deviceId()).isEqualTo("dev-bad"));
    MeterStatus g = goodRunner.status();
    assertThat(g.failures()).isZero();
    assertThat(g.state()).isEqualTo(MeterStatus.State.STOPPED);
    assertThat(g.samplesPublished()).isEqualTo(g.samplesRead()); // everything pending was flushed on stop
    List<PowerSampleBatch> goodBatches = pub.batches.stream().filter(x -> x.meterId().equals("good")).toList();
    assertThat(goodBatches).allSatisfy(x -> {
      assertThat(x.deviceId()).isEqualTo("dev-good");
      assertThat(x.source()).isEqualTo(PowerSource.METERED);
      assertThat(x.sampleRateHz()).isEqualTo(200);
    });
  }
}
