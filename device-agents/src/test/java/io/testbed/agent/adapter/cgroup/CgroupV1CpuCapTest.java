package io.testbed.agent.adapter.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.testbed.agent.port.CpuCap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupV1CpuCapTest {
  @TempDir Path tmp;

  private Path fixtureRoot() throws IOException {
    Path root = tmp.resolve("cpu");
    Files.createDirectories(root);
    Files.writeString(root.resolve("cpu.cfs_quota_us"), "-1");
    Files.writeString(root.resolve("cpu.cfs_period_us"), "100000");
    Files.writeString(root.resolve("cgroup.procs"), "");
    return root;
  }

  @Test
  void writesPeriodQuotaAndPidIntoTheDeviceGroupAndRemovesItOnClose() throws IOException {
    Path root = fixtureRoot();
    CpuCap cap = CgroupV1CpuCap.apply(root, "phone-1", 4242, 100_000, 0.35);
    Path group = root.resolve("testbed/phone-1");
    assertThat(cap.enforced()).isTrue();
    assertThat(Files.readString(group.resolve("cpu.cfs_period_us"))).isEqualTo("100000");
    assertThat(Files.readString(group.resolve("cpu.cfs_quota_us"))).isEqualTo("35000");
    assertThat(Files.readString(group.resolve("cgroup.procs"))).isEqualTo("4242");

    cap.setShare(0.35 * 600 / 2400.0); // lowest phone DVFS level
    assertThat(Files.readString(group.resolve("cpu.cfs_quota_us"))).isEqualTo("8750");
    cap.setShare(1.0); // a whole core: unlimited
    assertThat(Files.readString(group.resolve("cpu.cfs_quota_us"))).isEqualTo("-1");

    cap.close();
    assertThat(Files.readString(root.resolve("cgroup.procs"))).as("pid moved back to the root group").isEqualTo("4242");
    assertThat(group).doesNotExist();
    assertThat(root.resolve("testbed")).exists();
  }

  @Test
  void smallSharesLengthenThePeriodToKeepTheOneMillisecondMinimumQuota() throws IOException {
    Path root = fixtureRoot();
    CpuCap cap = CgroupV1CpuCap.apply(root, "s-1", 1, 10_000, 0.2);
    Path g = root.resolve("testbed/s-1");
    assertThat(Files.readString(g.resolve("cpu.cfs_period_us"))).isEqualTo("10000");
    assertThat(Files.readString(g.resolve("cpu.cfs_quota_us"))).isEqualTo("2000");
    cap.setShare(0.2 * 200 / 600.0); // lowest sensor-node level: 0.0667 of a core needs a 15 ms period
    assertThat(Files.readString(g.resolve("cpu.cfs_period_us"))).isEqualTo("15000");
    assertThat(Files.readString(g.resolve("cpu.cfs_quota_us"))).isEqualTo("1000");
    cap.setShare(0.0001); // the kernel's longest period caps how small a share can get
    assertThat(Files.readString(g.resolve("cpu.cfs_period_us"))).isEqualTo("1000000");
    assertThat(Files.readString(g.resolve("cpu.cfs_quota_us"))).isEqualTo("1000");
    cap.close();
  }

  @Test
  void noCpuControllerMeansNotEnforcedWithTheReason() {
    CpuCap cap = CgroupV1CpuCap.apply(tmp.resolve("absent"), "phone-1", 1, 100_000, 0.35);
    assertThat(cap.enforced()).isFalse();
    assertThat(cap.reason()).contains("no cgroup v1 cpu controller").contains("absent");
    cap.setShare(0.2); // harmless
    cap.close();
  }

  @Test
  void realCgroupCapsAChildProcessWhenRoot() throws Exception {
    Path real = Path.of("/sys/fs/cgroup/cpu");
    boolean usable = Files.isWritable(real) && Files.exists(real.resolve("cpu.cfs_quota_us"));
    CpuCap cap;
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      cap = CgroupV1CpuCap.apply(real, "captest-" + ProcessHandle.current().pid(), sleeper.pid(), 100_000, 0.25);
      if (!usable) {
        // Not root (or no cgroup v1): the cap must say so instead of failing.
        assertThat(cap.enforced()).isFalse();
        assertThat(cap.reason()).startsWith("cpu cap not enforced");
        return;
      }
      Path group = ((CgroupV1CpuCap) cap).group();
      assertThat(cap.enforced()).isTrue();
      assertThat(Files.readString(group.resolve("cpu.cfs_quota_us")).trim()).isEqualTo("25000");
      assertThat(Files.readString(group.resolve("cpu.cfs_period_us")).trim()).isEqualTo("100000");
      assertThat(Files.readAllLines(group.resolve("cgroup.procs"))).contains(Long.toString(sleeper.pid()));
      assertThat(Files.readString(Path.of("/proc/" + sleeper.pid() + "/cgroup"))).contains("/testbed/captest-");
      cap.close();
      assertThat(group).doesNotExist();
      await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(Files.readString(Path.of("/proc/" + sleeper.pid() + "/cgroup"))).doesNotContain("/testbed/captest-"));
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
  }
}
