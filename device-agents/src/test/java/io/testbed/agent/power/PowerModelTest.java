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
