package io.testbed.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.PowerSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatSamplerTest {
  @TempDir Path tmp;

  @Test
  void utilisationIsCpuTimeOverWallTimesShareClipped() {
    assertThat(HeartbeatSampler.utilisation(175_000_000, 1_000_000_000, 0.35)).isCloseTo(0.5, within(1e-9));
    assertThat(HeartbeatSampler.utilisation(900_000_000, 1_000_000_000, 0.35)).isEqualTo(1.0);
    assertThat(HeartbeatSampler.utilisation(-5, 1_000_000_000, 0.35)).isZero();
  }

  @Test
  void emulatedHeartbeatsCountUpAndCarryNoTemperature() {
    AtomicLong cpu = new AtomicLong(0);
    HeartbeatSampler s = new HeartbeatSampler("phone-1", 0.35, true, cpu::get, new ThermalZones(tmp));
    Heartbeat first = s.next(0, 1_000);
    cpu.set(70_000_000); // 70 ms of CPU in 1 s at a 0.35 share = 0.2
    Heartbeat second = s.next(1_000_000_000, 2_000);
    assertThat(first.seq()).isZero();
    assertThat(second.seq()).isEqualTo(1);
    assertThat(second.cpuUtilisation()).isCloseTo(0.2, within(1e-9));
    assertThat(second.temperatureC()).isNull();
    assertThat(second.memoryTotalBytes()).isGreaterThanOrEqualTo(second.memoryUsedBytes()).isPositive();
  }

  @Test
  void realDeviceReportsItsHottestThermalZoneAsMetered() throws Exception {
    Files.createDirectories(tmp.resolve("thermal_zone0"));
    Files.createDirectories(tmp.resolve("thermal_zone1"));
    Files.createDirectories(tmp.resolve("cooling_device0"));
    Files.writeString(tmp.resolve("thermal_zone0/temp"), "41500\n");
    Files.writeString(tmp.resolve("thermal_zone1/temp"), "57250\n");
    HeartbeatSampler s = new HeartbeatSampler("jetson-1", 1.0, false, () -> -1, new ThermalZones(tmp));
    Heartbeat hb = s.next(0, 1);
    assertThat(hb.temperatureC()).isEqualTo(57.25);
    assertThat(hb.temperatureSource()).isEqualTo(PowerSource.METERED);
    assertThat(hb.cpuUtilisation()).isZero();
  }
}
