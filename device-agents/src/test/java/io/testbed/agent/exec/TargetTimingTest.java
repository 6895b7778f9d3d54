package io.testbed.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TargetTimingTest {
  @Test
  void capEnforcedAtTheTargetSpeedReportsTheMeasuredTime() {
    TargetTiming t = TargetTiming.plan(40, 0.35, 0.35);
    assertThat(t.computeMs()).isEqualTo(40);
    assertThat(t.padMs()).isZero();
    assertThat(t.fasterThanHost()).isFalse();
  }

  @Test
  void slowerTargetIsPaddedToItsModelledTime() {
    // uncapped run on a whole core, target is a phone cpu at 0.35 of a core: 10 ms becomes 28.57 ms
    TargetTiming t = TargetTiming.plan(10, 1.0, 0.35);
    assertThat(t.computeMs()).isCloseTo(10 / 0.35, within(1e-9));
    assertThat(t.padMs()).isCloseTo(10 / 0.35 - 10, within(1e-9));
    assertThat(t.fasterThanHost()).isFalse();
  }

  @Test
  void fasterTargetThanTheHostReportsTheMeasuredTimeAndSaysSo() {
    TargetTiming t = TargetTiming.plan(10, 1.0, 2.1);
    assertThat(t.computeMs()).isEqualTo(10);
    assertThat(t.padMs()).isZero();
    assertThat(t.fasterThanHost()).isTrue();
  }

  @Test
  void lowerDvfsLevelUnderTheCapNeedsNoPadding() {
    // cap set to share x f/fmax = 0.35 x 0.5 for a run at that level
    TargetTiming t = TargetTiming.plan(80, 0.175, 0.175);
    assertThat(t.padMs()).isZero();
    assertThat(t.computeMs()).isEqualTo(80);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> TargetTiming.plan(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TargetTiming.plan(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
