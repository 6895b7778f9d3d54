package io.testbed.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileOverlayTest {
  /** What a calibration run writes (experiments CalibrationReport.profileFragment). */
  static final String FIT = """
      # fitted
      testbed.agent.profiles."phone" {
        power { idle-w = 0.8000 }
        targets = [
          { id = "cpu", busy-w = [3.5000] }
          { id = "gpu", busy-w = [2.9000] }
        ]
      }
      """;

  @Test
  void aFittedFragmentReplacesIdleAndBusyPowerAndKeepsEverythingElse() {
    Config merged = ProfileOverlay.apply(ConfigFactory.load(), ConfigFactory.parseString(FIT));
    DeviceProfile p = AgentSettings.fromConfig(merged).profile();
    assertThat(p.idleW()).isEqualTo(0.8);
    assertThat(p.cpuShare()).isEqualTo(0.35);
    assertThat(p.radio().idleWaitW()).isEqualTo(0.75);
    assertThat(p.models()).contains("mobilenet", "textrnn");
    TargetProfile cpu = p.target("cpu").orElseThrow();
    assertThat(cpu.dvfsLevelsMHz()).containsExactly(600, 1200, 1800, 2400);
    assertThat(cpu.busyW(null)).isEqualTo(3.5);
    // lower levels: power above idle scaled by (3.5 - 0.8) / (3.58 - 0.6)
    double f = (3.5 - 0.8) / (3.58 - 0.6);
    assertThat(cpu.busyW(600)).isCloseTo(0.8 + (0.99 - 0.6) * f, within(1e-12));
    assertThat(cpu.busyW(1800)).isCloseTo(0.8 + (2.06 - 0.6) * f, within(1e-12));
    assertThat(cpu.speedFactor()).isEqualTo(1.0);
    assertThat(p.target("gpu").orElseThrow().busyW(null)).isEqualTo(2.9);
    assertThat(p.target("gpu").orElseThrow().modelled()).isTrue();
    assertThat(p.target("dsp").orElseThrow().busyW(null)).isEqualTo(0.9); // untouched
    // other profiles untouched
    assertThat(AgentSettings.fromConfig(ConfigFactory.parseMap(java.util.Map.of("testbed.agent.profile", "edge-box"))
        .withFallback(merged)).profile().idleW()).isEqualTo(2.0);
  }

  @Test
  void aFullBusyListReplacesTheLevelsAndANewTargetIsAdded() {
    Config merged = ProfileOverlay.apply(ConfigFactory.load(), ConfigFactory.parseString("""
        testbed.agent.profiles.phone.targets = [
          { id = "cpu", busy-w = [1, 2, 3, 4] }
          { id = "npu", kind = "npu", precision = "int8", speed-factor = 4.0, modelled = true, dvfs-levels-mhz = [], busy-w = [1.1] }
        ]"""));
    DeviceProfile p = AgentSettings.fromConfig(merged).profile();
    assertThat(p.target("cpu").orElseThrow().busyW()).containsExactly(1.0, 2.0, 3.0, 4.0);
    assertThat(p.idleW()).isEqualTo(0.6);
    assertThat(p.targets()).extracting(TargetProfile::id).containsExactly("cpu", "gpu", "dsp", "npu");
  }

  @Test
  void theLogLineSaysWhatTheFragmentSets() {
    assertThat(ProfileOverlay.describe(ConfigFactory.parseString("""
        testbed.agent.profiles."phone" {
          power { idle-w = 0.9035 }
          targets = [ { id = "cpu", busy-w = [1.0781] }, { id = "gpu", busy-w = [1.3988] } ]
        }"""))).isEqualTo("profile phone: idle-w 0.9035 W, cpu busy-w [1.0781], gpu busy-w [1.3988]");
    assertThat(ProfileOverlay.describe(ConfigFactory.parseString("testbed.agent.heartbeat-interval = 2s"))).isEqualTo("no profile (other keys only)");
  }

  @Test
  void anUnreadableOrBrokenFileIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ProfileOverlay.load(ConfigFactory.load(), dir.resolve("nope.conf")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read").hasMessageContaining("nope.conf");
    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "testbed.agent.profiles.phone { power { idle-w = ");
    assertThatThrownBy(() -> ProfileOverlay.load(ConfigFactory.load(), broken))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken.conf");
    Path good = dir.resolve("profile-fit.conf");
    Files.writeString(good, FIT);
    assertThat(AgentSettings.fromConfig(ProfileOverlay.load(ConfigFactory.load(), good)).profile().idleW()).isEqualTo(0.8);
  }
}
