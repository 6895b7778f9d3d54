package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FixedModeTest {
  static final ReadingGuard GUARD = ReadingGuard.stagioni(2.5);

  @Test
  void allNearIgnoresTemperature() {
    ControllerState s = Traces.run(FixedMode.allNear(GUARD), """
        0    40 -   -> NSP no -
        1000 65 due -> NSP yes -
        2000 999 due -> NSP yes - flagged
        """);
    assertThat(s.ignoredReadings()).isEqualTo(1);
    assertThat(s.nearDuty()).isEqualTo(1.0);
  }

  @Test
  void allFarStaysFar() {
    ControllerState s = Traces.run(FixedMode.allFar(GUARD), """
        0    40 -   -> FAR no -
        1000 30 due -> FAR yes -
        """);
    assertThat(s.nearDuty()).isEqualTo(0.0);
    assertThat(s.processingDuty()).isEqualTo(1.0);
  }

  @Test
  void aBaselineCannotLiveInCap() {
    assertThatThrownBy(() -> new FixedMode("x", Mode.CAP, GUARD)).hasMessageContaining("NSP or FAR");
  }
}
