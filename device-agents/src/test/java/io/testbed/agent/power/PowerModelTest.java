package io.testbed.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.RadioPower;
import io.testbed.agent.config.TargetProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerModelTest {
  private final PowerModel model = new PowerModel(1.0, new RadioPower(2.0, 1.5, 1.2));

  @Test
  void localEnergyIsBusyPowerTimesComputePlusIdleForTheRest() {
    // 3 W for 100 ms + 1 W idle for the remaining 20 ms = 0.3 + 0.02 J
    assertThat(model.localEnergyJ(3.0, 100, 120)).isCloseTo(0.32, within(1e-12));
    // execution shorter than compute (clock granularity): no negative idle share
    assertThat(model.localEnergyJ(3.0, 100, 90)).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void offloadEnergySplitsNetworkTimeByBytesEachWayAndWaitsAtIdleWaitPower() {
    // 40 ms network, 3:1 bytes up:down -> 30 ms at 2 W + 10 ms at 1.5 W; 50 ms peer compute at 1.2 W
    double j = model.offloadEnergyJ(40, 50, 3000, 1000);
    assertThat(j).isCloseTo((2.0 * 30 + 1.5 * 10 + 1.2 * 50) / 1000.0, within(1e-12));
  }

  @Test
  void offloadWithNoBytesSplitsEvenly() {
    assertThat(model.offloadEnergyJ(20, 0, 0, 0)).isCloseTo((2.0 * 10 + 1.5 * 10) / 1000.0, within(1e-12));
  }

  @Test
  void profilePowerFollowsTheDvfsLevelsAndGrowsWithFrequency() {
    AgentSettings phone = AgentSettings.load(Map.of("testbed.agent.profile", "phone"));
    PowerModel p = PowerModel.of(phone.profile());
    TargetProfile cpu = phone.profile().target("cpu").orElseThrow();
    double previous = p.idleW();
    for (int level : cpu.dvfsLevelsMHz()) {
      double w = p.busyW(cpu, level);
      assertThat(w).as("busy power at %d MHz", level).isGreaterThan(previous);
      previous = w;
    }
    assertThat(p.busyW(cpu, null)).isEqualTo(p.busyW(cpu, cpu.maxLevelMHz()));
    // the modelled DSP draws less than the CPU at full speed
    assertThat(p.busyW(phone.profile().target("dsp").orElseThrow(), null)).isLessThan(p.busyW(cpu, null));
  }
}
