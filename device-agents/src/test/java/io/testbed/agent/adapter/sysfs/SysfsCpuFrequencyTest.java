package io.testbed.agent.adapter.sysfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.testbed.agent.port.CpuFrequency;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real DVFS through cpufreq sysfs, on a fixture tree. */
class SysfsCpuFrequencyTest {
  @TempDir Path root;

  private void cpu(int n, String governor) throws Exception {
    Path f = Files.createDirectories(root.resolve("cpu" + n).resolve("cpufreq"));
    Files.writeString(f.resolve("scaling_governor"), governor + "\n");
    Files.writeString(f.resolve("scaling_setspeed"), "<unsupported>\n");
  }

  @Test
  void setsEveryCpuInKhzUnderTheUserspaceGovernor() throws Exception {
    cpu(0, "userspace");
    cpu(1, "userspace");
    Files.createDirectories(root.resolve("cpufreq")); // not a cpu
    CpuFrequency f = SysfsCpuFrequency.probe(root);
    assertThat(f.available()).isTrue();
    assertThat(f.setMHz(1200)).isTrue();
    assertThat(Files.readString(root.resolve("cpu0/cpufreq/scaling_setspeed"))).isEqualTo("1200000");
    assertThat(Files.readString(root.resolve("cpu1/cpufreq/scaling_setspeed"))).isEqualTo("1200000");
  }

  @Test
  void anotherGovernorOrNoCpufreqMeansEmulatedLevelsWithTheReason() throws Exception {
    cpu(0, "userspace");
    cpu(1, "schedutil");
    CpuFrequency f = SysfsCpuFrequency.probe(root);
    assertThat(f.available()).isFalse();
    assertThat(f.reason()).contains("cpu1", "schedutil", "emulated");
    assertThat(f.setMHz(600)).isFalse();
    assertThat(SysfsCpuFrequency.probe(root.resolve("missing")).reason()).contains("cannot read cpufreq");
  }
}
