package io.testbed.orchestrator.policy.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RewardTest {
  static final AutoScaleSettings.Objective O = new AutoScaleSettings.Objective(50, 0.70, 10, 20, true);

  @ParameterizedTest(name = "lat {0} ms, {1} J, acc {2}, ok {3} -> {4}")
  @CsvSource({
      "20, 0.5, 0.72, true, -0.5",       // within QoS and accuracy: minus energy
      "50, 0.5, 0.72, true, -0.5",       // at the QoS limit is within
      "50.1, 0.5, 0.72, true, -10.5",    // late
      "20, 0.5, 0.69, true, -10.5",      // inaccurate
      "80, 0.5, 0.60, true, -10.5",      // both: one penalty
      "20, 0.5, NaN, true, -0.5",        // accuracy unknown: not checked
      "20, 0.5, 0.72, false, -20.5",     // failed: failure penalty
      "0, 0, NaN, false, -20"})
  void rewardIsMinusEnergyMinusPenalties(double latencyMs, double energyJ, double accuracy, boolean ok, double r) {
    assertThat(Reward.of(O, new RequestOutcome(latencyMs, energyJ, accuracy, ok))).isCloseTo(r, within(1e-12));
  }
}
