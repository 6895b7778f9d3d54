package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StopCaptureGoTest {
  static final ReadingGuard GUARD = ReadingGuard.stagioni(2.5);
  static final StopCaptureGo UNTIL_COOL = StopCaptureGo.untilCool(75, 200_000_000L, GUARD);
  static final StopCaptureGo FIXED = new StopCaptureGo(75, 33_000_000L, 200_000_000L, GUARD);

  static Stream<Arguments> traces() {
    return Stream.of(
        Arguments.of("a cool capture needs no stop", UNTIL_COOL, """
            0   60 -   -> NSP no -
            10  61 due -> NSP yes -
            20  61 -   -> NSP no -
            """),
        Arguments.of("hot: stop, wait for T_cap, capture, go", UNTIL_COOL, """
            0   80 -   -> NSP no -
            10  80 due -> CAP no STOP_FOR_CAPTURE
            11  78 due -> CAP no -
            13  75.5 due -> CAP no -
            14  75 due -> NSP yes COOLED
            15  76 -   -> NSP no -
            """),
        Arguments.of("fixed stop: capture after 33 ms even if still hot", FIXED, """
            0   80 due -> CAP no STOP_FOR_CAPTURE
            5   70 due -> CAP no -
            32  76 due -> CAP no -
            33  76.5 due -> NSP yes STOP_TIME_ELAPSED
            """),
        Arguments.of("watchdog: never cools (hot ambient), capture at the bound and go", UNTIL_COOL, """
            0   90 due -> CAP no STOP_FOR_CAPTURE
            50  78 due -> CAP no -
            199 77.9 due -> CAP no -
            200 77.9 due -> NSP yes WATCHDOG
            """),
        Arguments.of("watchdog fires even when readings stop or are garbage", UNTIL_COOL, """
            0   90 due  -> CAP no STOP_FOR_CAPTURE
            20  nan due -> CAP no -
            40  -300 due -> CAP no - flagged
            60  20 due  -> CAP no - flagged
            250 nan due -> NSP yes WATCHDOG
            """),
        Arguments.of("garbage neither starts nor ends a stop", UNTIL_COOL, """
            0   70 -   -> NSP no -
            10  999 due -> NSP no - flagged
            20  nan due -> NSP no -
            30  71 due -> NSP yes -
            40  80 due -> CAP no STOP_FOR_CAPTURE
            41  30 due -> CAP no - flagged
            42  74 due -> NSP yes COOLED
            """),
        Arguments.of("capture cancelled during a stop: go without it", UNTIL_COOL, """
            0   80 due -> CAP no STOP_FOR_CAPTURE
            5   79 -   -> NSP no CAPTURE_CANCELLED
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("traces")
  void followsScriptedTraces(String name, StopCaptureGo policy, String trace) {
    Traces.run(policy, trace);
  }

  @Test
  void recoversANodeLeftInFarOrCap() {
    for (Mode m : new Mode[] {Mode.FAR, Mode.CAP}) {
      ControllerState odd = ControllerState.start(m, 0);
      ThermalPolicy.Step s = UNTIL_COOL.decide(odd, new Observation(60, 1_000, false));
      assertThat(s.decision()).isInstanceOfSatisfying(Decision.SwitchMode.class, sw -> {
        assertThat(sw.cause()).isEqualTo(Decision.Cause.RECOVER);
        assertThat(sw.mode()).isEqualTo(Mode.NSP);
      });
    }
  }

  @Test
  void accountsDutyCycleAndStops() {
    ControllerState s = Traces.run(UNTIL_COOL, """
        0   80 -   -> NSP no -
        100 80 due -> CAP no STOP_FOR_CAPTURE
        110 74 due -> NSP yes COOLED
        200 80 due -> CAP no STOP_FOR_CAPTURE
        400 78 due -> NSP yes WATCHDOG
        500 70 -   -> NSP no -
        """);
    // in CAP 100..110 and 200..400 ms: 210 of 500 ms
    assertThat(s.nearDuty()).isCloseTo(290 / 500.0, within(1e-12));
    assertThat(s.timeInNs(Mode.CAP)).isEqualTo(210_000_000L);
    assertThat(s.stops()).isEqualTo(2);
    assertThat(s.watchdogStops()).isEqualTo(1);
    assertThat(s.switches()).isEqualTo(4);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new StopCaptureGo(75, 10_000_000L, 100_000_000L, GUARD)).hasMessageContaining("33 ms");
    assertThatThrownBy(() -> new StopCaptureGo(75, 0, 0, GUARD)).hasMessageContaining("watchdog");
    assertThatThrownBy(() -> new StopCaptureGo(75, 300_000_000L, 100_000_000L, GUARD)).hasMessageContaining("exceed");
  }
}
