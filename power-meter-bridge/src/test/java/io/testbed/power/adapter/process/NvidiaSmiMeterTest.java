package io.testbed.power.adapter.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.testbed.power.adapter.process.NvidiaSmiMeter.TimestampSource;
import io.testbed.power.port.MeterException;
import io.testbed.power.port.MeterInfo;
import io.testbed.power.testing.ManualTime;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nvidia-smi replaced by a script that prints fixture lines in its output format. */
class NvidiaSmiMeterTest {
  @TempDir Path dir;
  private final ManualTime time = new ManualTime();
  private final MeterInfo info = new MeterInfo("gpu0", "cloud-1", PowerSource.METERED, 10, 0.01);

  private List<String> script(String body) throws Exception {
    Path s = dir.resolve("fake-nvidia-smi.sh");
    Files.writeString(s, "#!/bin/sh\n" + body);
    s.toFile().setExecutable(true);
    return List.of("/bin/sh", s.toString());
  }

  private static List<PowerSample> pollUntil(NvidiaSmiMeter m, int count) {
    List<PowerSample> got = new ArrayList<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      got.addAll(m.poll());
      return got.size() >= count;
    });
    return got;
  }

  @Test
  void parsesTimestampAndPowerDrawLines() throws Exception {
    NvidiaSmiMeter m = new NvidiaSmiMeter(info, script("""
        echo '2026/11/30 08:30:01.100, 45.67'
        echo '2026/11/30 08:30:01.200, 61.02'
        echo '2026/11/30 08:30:01.300, 250.00'
        sleep 30
        """), ZoneOffset.UTC, TimestampSource.NVIDIA_SMI, time);
    m.start();
    try {
      List<PowerSample> s = pollUntil(m, 3);
      assertThat(s).extracting(PowerSample::powerW).containsExactly(45.67, 61.02, 250.0);
      long t = java.time.Instant.parse("2026-11-30T08:30:01.100Z").toEpochMilli() * 1_000_000L;
      assertThat(s).extracting(PowerSample::timestampNs).containsExactly(t, t + 100_000_000L, t + 200_000_000L);
    } finally {
      m.close();
    }
  }

  @Test
  void arrivalTimestampsWhenConfigured() throws Exception {
    NvidiaSmiMeter m = new NvidiaSmiMeter(info, script("echo '2026/11/30 08:30:01.100, 45.67'\nsleep 30\n"), ZoneOffset.UTC,
        TimestampSource.ARRIVAL, time);
    m.start();
    try {
      assertThat(pollUntil(m, 1).get(0).timestampNs()).isEqualTo(ManualTime.T0);
    } finally {
      m.close();
    }
  }

  private static Exception firstFailure(NvidiaSmiMeter m) {
    AtomicReference<Exception> failure = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        m.poll();
        return false;
      } catch (MeterException e) {
        failure.set(e);
        return true;
      }
    });
    return failure.get();
  }

  @Test
  void garbageLinesFailTheMeter() throws Exception {
    for (String garbage : List.of("2026/11/30 08:30:01.200, [N/A]", "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.",
        "yesterday, 12.5")) {
      NvidiaSmiMeter m = new NvidiaSmiMeter(info, script("echo '2026/11/30 08:30:01.100, 45.67'\necho '" + garbage + "'\nsleep 30\n"),
          ZoneOffset.UTC, TimestampSource.NVIDIA_SMI, time);
      m.start();
      try {
        assertThat(firstFailure(m)).as(garbage).hasMessageContaining(garbage);
      } finally {
        m.close();
      }
    }
  }

  @Test
  void processExitFailsTheMeterWithItsExitCode() throws Exception {
    NvidiaSmiMeter m = new NvidiaSmiMeter(info, script("echo '2026/11/30 08:30:01.100, 45.67'\nexit 9\n"),
        ZoneOffset.UTC, TimestampSource.NVIDIA_SMI, time);
    m.start();
    try {
      assertThat(firstFailure(m)).hasMessageContaining("stopped with exit code 9");
    } finally {
      m.close();
    }
  }

  @Test
  void missingBinaryFailsAtStart() {
    NvidiaSmiMeter m = new NvidiaSmiMeter(info, List.of(dir.resolve("no-such-nvidia-smi").toString()), ZoneOffset.UTC,
        TimestampSource.NVIDIA_SMI, time);
    assertThatThrownBy(m::start).isInstanceOf(MeterException.class).hasMessageContaining("cannot run");
  }
}
