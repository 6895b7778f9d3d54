package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SeasonalMigrationTest {
  static final SeasonalMigration POLICY = new SeasonalMigration(75, 65, SeasonalMigration.DEFAULT_SWITCH_LATENCY_NS, ReadingGuard.stagioni(2.5));

  static Stream<Arguments> traces() {
    return Stream.of(
        Arguments.of("near until T_high, far until T_low, near again (hysteresis)", """
            0     60 -   -> NSP no -
            1000  74.9 due -> NSP yes -
            2000  75 -   -> FAR no TOO_HOT
            3000  70 -   -> FAR no -
            4000  65.1 due -> FAR yes -
            5000  65 -   -> NSP no COOLED_DOWN
            6000  74 -   -> NSP no -
            7000  76 due -> FAR yes TOO_HOT
            """),
        Arguments.of("implausible readings do not migrate", """
            0     70 -   -> NSP no -
            1000  140 -  -> NSP no - flagged
            1001  nan -  -> NSP no -
            2000  160 -  -> NSP no - flagged
            3000  76 -   -> FAR no TOO_HOT
            3010  20 -   -> FAR no - flagged
            4000  64 -   -> NSP no COOLED_DOWN
            """),
        Arguments.of("no reading at all: stay", """
            0     nan -  -> NSP no -
            1000  nan due -> NSP yes -
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("traces")
  void followsScriptedTraces(String name, String trace) {
    Traces.run(POLICY, trace);
  }

  @Test
  void switchesCarryTheModelledLatencyAndCount() {
    ThermalController c = new ThermalController(POLICY, 0);
    Decision d = c.onTick(80, 0, false);
    assertThat(d).isInstanceOfSatisfying(Decision.SwitchMode.class, s -> assertThat(s.switchLatencyNs()).isEqualTo(100_000L));
    c.onTick(60, 10_000_000_000L, false);
    assertThat(c.state().switches()).isEqualTo(2);
    assertThat(c.state().timeInNs(Mode.FAR)).isEqualTo(10_000_000_000L);
  }

  @Test
  void neverLeavesANodeInCap() {
    ThermalPolicy.Step s = POLICY.decide(ControllerState.start(Mode.CAP, 0), new Observation(80, 1, true));
    assertThat(s.decision().mode()).isEqualTo(Mode.NSP);
    assertThat(s.decision().capture()).isTrue();
  }

  @Test
  void rejectsInvertedThresholds() {
    assertThatThrownBy(() -> new SeasonalMigration(65, 75, 0, ReadingGuard.stagioni(2.5))).hasMessageContaining("tLowC < tHighC");
  }
}
