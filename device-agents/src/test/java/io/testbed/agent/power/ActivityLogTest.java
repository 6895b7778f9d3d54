package io.testbed.agent.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ActivityLogTest {
  private static final long MS = 1_000_000L;

  @Test
  void idleWindowIsIdlePower() {
    ActivityLog log = new ActivityLog();
    assertThat(log.averagePowerW(0, 100 * MS, 0.5)).isEqualTo(0.5);
    assertThat(log.busyShare(0, 100 * MS)).isZero();
  }

  @Test
  void partlyBusyWindowWeighsTheExtraPowerByCoverage() {
    ActivityLog log = new ActivityLog();
    log.begin(3.5, 20 * MS).end(60 * MS); // 40% of [0, 100 ms) at 3.5 W, idle 0.5 W
    assertThat(log.averagePowerW(0, 100 * MS, 0.5)).isCloseTo(0.5 + 3.0 * 0.4, within(1e-9));
    assertThat(log.busyShare(0, 100 * MS)).isCloseTo(0.4, within(1e-9));
  }

  @Test
  void openActivityCountsUntilTheEndOfTheWindow() {
    ActivityLog log = new ActivityLog();
    log.begin(2.5, 50 * MS);
    assertThat(log.averagePowerW(0, 100 * MS, 0.5)).isCloseTo(0.5 + 2.0 * 0.5, within(1e-9));
    assertThat(log.averagePowerW(100 * MS, 200 * MS, 0.5)).isCloseTo(2.5, within(1e-9));
  }

  @Test
  void overlappingActivitiesAddPowerButBusyShareCountsTimeOnce() {
    ActivityLog log = new ActivityLog();
    log.begin(2.0, 0).end(60 * MS);
    log.begin(2.0, 40 * MS).end(100 * MS);
    // each adds 1 W above idle (1 W) over 60% of the window
    assertThat(log.averagePowerW(0, 100 * MS, 1.0)).isCloseTo(1.0 + 0.6 + 0.6, within(1e-9));
    assertThat(log.busyShare(0, 100 * MS)).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void pruneForgetsOnlyFinishedActivities() {
    ActivityLog log = new ActivityLog();
    log.begin(2.0, 0).end(10 * MS);
    log.begin(2.0, 20 * MS);
    log.prune(15 * MS);
    assertThat(log.size()).isEqualTo(1);
    assertThat(log.averagePowerW(0, 10 * MS, 1.0)).isEqualTo(1.0);
  }
}
