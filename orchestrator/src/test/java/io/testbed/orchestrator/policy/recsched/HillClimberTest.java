package io.testbed.orchestrator.policy.recsched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.testbed.orchestrator.policy.recsched.HillClimber.Done;
import io.testbed.orchestrator.policy.recsched.HillClimber.Load;
import io.testbed.orchestrator.policy.recsched.HillClimber.Move;
import io.testbed.orchestrator.policy.recsched.HillClimber.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HillClimberTest {
  static final long MS = 1_000_000;
  static final LoadGrid GRID = new LoadGrid(10, 10_000, 20);
  static final HillClimbSettings S = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 100, 0, 10, 0);

  /** A window of 64 equal latencies. */
  static WindowStats flat(long latencyNs, long endNs) {
    long[] v = new long[64];
    java.util.Arrays.fill(v, latencyNs);
    return WindowStats.of(v, endNs);
  }

  @ParameterizedTest(name = "p95 {0} ms -> {1}")
  @CsvSource({
      "150, DOWN", "100.000001, DOWN", "100, HOLD", "95, HOLD", "90.91, HOLD", "90.90, UP", "50, UP", "0, UP"})
  void eachWindowMovesByTheSlaAndTheTenPercentBand(double p95Ms, Move move) {
    HillClimber c = new HillClimber(S, 20);
    c.start(0);
    Step s = c.onWindow(flat(Math.round(p95Ms * MS), 1));
    assertThat(s).isInstanceOf(Load.class);
    Load l = (Load) s;
    assertThat(l.move()).isEqualTo(move);
    int expected = switch (move) { case UP -> 21; case DOWN -> 19; case HOLD -> 20; };
    assertThat(l.gridIndex()).isEqualTo(expected);
    assertThat(l.qps()).isEqualTo(GRID.qpsAt(expected));
  }

  @Test
  void aFailedQueryAtTheP95RankLowersTheLoad() {
    HillClimber c = new HillClimber(S, 20);
    c.start(0);
    long[] v = new long[64];
    java.util.Arrays.fill(v, MS);
    for (int i = 60; i < 64; i++) v[i] = WindowStats.FAILED;
    assertThat(((Load) c.onWindow(WindowStats.of(v, 1))).move()).isEqualTo(Move.DOWN);
  }

  @Test
  void stepsClampAtTheGridEndsAndAreReportedAsHolds() {
    HillClimber low = new HillClimber(S, 0);
    low.start(0);
    assertThat(low.onWindow(flat(500 * MS, 1))).isEqualTo(new Load(0, 10.0, Move.HOLD));
    HillClimber high = new HillClimber(S, GRID.top());
    high.start(0);
    assertThat(high.onWindow(flat(MS, 1))).isEqualTo(new Load(GRID.top(), GRID.qpsAt(GRID.top()), Move.HOLD));
  }

  @Test
  void timeoutTakesTheLowerMedianOfTheLastKWindowsLoads() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 8, 0, 5, 0);
    record Case(List<Integer> p95Ms, List<Integer> runAt, int median) {}
    List<Case> cases = List.of(
        new Case(List.of(50, 50, 50, 50, 50, 50, 50, 50), List.of(10, 11, 12, 13, 14, 15, 16, 17), 15),
        new Case(List.of(200, 200, 200, 200, 200, 200, 200, 200), List.of(10, 9, 8, 7, 6, 5, 4, 3), 5),
        new Case(List.of(95, 95, 95, 95, 95, 95, 95, 95), List.of(10, 10, 10, 10, 10, 10, 10, 10), 10),
        // odd k over an alternation: three of the last five ran at 11, so the median is the upper load; the README
        // recommends an even k, whose lower median then is the lower load (next case, k = 4 of the same run).
        new Case(List.of(50, 200, 50, 200, 50, 200, 50, 200), List.of(10, 11, 10, 11, 10, 11, 10, 11), 11),
        new Case(List.of(50, 50, 50, 200, 200, 95, 200, 50), List.of(10, 11, 12, 13, 12, 11, 11, 10), 11));
    for (Case k : cases) {
      HillClimber c = new HillClimber(s, 10);
      assertThat(c.start(0).gridIndex()).isEqualTo(10);
      List<Integer> ran = new ArrayList<>();
      Step last = null;
      for (int p : k.p95Ms()) {
        ran.add(c.currentIndex());
        last = c.onWindow(flat(p * MS, ran.size()));
      }
      assertThat(ran).as("loads run for %s", k.p95Ms()).isEqualTo(k.runAt());
      assertThat(last).isInstanceOf(Done.class);
      HillClimber.Sustainable r = ((Done) last).result();
      assertThat(r.gridIndex()).as("median for %s", k.p95Ms()).isEqualTo(k.median());
      assertThat(r.qps()).isEqualTo(GRID.qpsAt(k.median()));
      assertThat(r.windows()).isEqualTo(8);
      assertThat(r.trace()).extracting(HillClimber.WindowTrace::gridIndex).isEqualTo(k.runAt());
      assertThat(c.onWindow(flat(MS, 99))).isSameAs(last); // done stays done
    }
    HillClimber even = new HillClimber(new HillClimbSettings(100 * MS, 1.1, GRID, 64, 8, 0, 4, 0), 10);
    even.start(0);
    Step last = null;
    for (int i = 0; i < 8; i++) last = even.onWindow(flat((i % 2 == 0 ? 50 : 200) * MS, i));
    assertThat(((Done) last).result().gridIndex()).isEqualTo(10);
  }

  @Test
  void resultPercentilesCoverAllQueriesOfTheLastKWindows() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 3, 0, 2, 0);
    HillClimber c = new HillClimber(s, 10);
    c.start(0);
    c.onWindow(flat(1 * MS, 1)); // not among the last 2
    long[] a = new long[64];
    long[] b = new long[64];
    for (int i = 0; i < 64; i++) {
      a[i] = (i + 1) * MS; // 1..64 ms
      b[i] = (i + 65) * MS; // 65..128 ms
    }
    c.onWindow(WindowStats.of(a, 2));
    Done d = (Done) c.onWindow(WindowStats.of(b, 3));
    // 128 values 1..128 ms: p95 = sorted[121] = 122 ms, p99 = sorted[126] = 127 ms
    assertThat(d.result().p95Ns()).isEqualTo(122 * MS);
    assertThat(d.result().p99Ns()).isEqualTo(127 * MS);
  }

  @Test
  void timeoutByTimeOnTheCallersClock() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 1000, 10_000 * MS, 3, 0);
    HillClimber c = new HillClimber(s, 10);
    c.start(5_000 * MS);
    assertThat(c.onWindow(flat(95 * MS, 9_000 * MS))).isInstanceOf(Load.class);
    assertThat(c.onWindow(flat(95 * MS, 14_999 * MS))).isInstanceOf(Load.class);
    assertThat(c.onWindow(flat(95 * MS, 15_000 * MS))).isInstanceOf(Done.class);
  }

  @Test
  void aConfigurationThatMissesTheSlaAtTheLowestLoadIsInfeasible() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 6, 0, 3, 0);
    HillClimber c = new HillClimber(s, 2);
    c.start(0);
    Step last = null;
    for (int i = 0; i < 6; i++) last = c.onWindow(flat(300 * MS, i));
    HillClimber.Sustainable r = ((Done) last).result();
    assertThat(r.feasible()).isFalse();
    assertThat(r.qps()).isZero();
  }

  @Test
  void aGridTooSmallIsFlagged() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, new LoadGrid(10, 100, 10), 64, 15, 0, 3, 0);
    HillClimber c = new HillClimber(s, 0);
    c.start(0);
    Step last = null;
    for (int i = 0; i < 15; i++) last = c.onWindow(flat(MS, i));
    HillClimber.Sustainable r = ((Done) last).result();
    assertThat(r.atGridTop()).isTrue();
    assertThat(r.feasible()).isTrue();
    assertThat(r.qps()).isEqualTo(100.0, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void aClimbStillRisingWhenItsWindowsRunOutIsFlaggedAsBudgetBound() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 4, 0, 2, 0);
    HillClimber rising = new HillClimber(s, 0);
    rising.start(0);
    Step last = null;
    for (int i = 0; i < 4; i++) last = rising.onWindow(flat(MS, i)); // far below the SLA: up every window
    HillClimber.Sustainable r = ((Done) last).result();
    assertThat(r.stillClimbing()).isTrue();
    assertThat(r.atGridTop()).isFalse();
    assertThat(r.qps()).isEqualTo(GRID.qpsAt(2)); // lower median of the last two loads (indices 2, 3)

    HillClimber settled = new HillClimber(s, 0);
    settled.start(0);
    HillClimber.Sustainable t = ((Done) feed(settled, 1, 1, 150, 95)).result(); // up, up, down, hold
    assertThat(t.stillClimbing()).isFalse();
  }

  /** Runs p95 values (ms, flat windows) through a climber; returns the final step. */
  static Step feed(HillClimber c, int... p95Ms) {
    Step last = null;
    for (int p : p95Ms) last = c.onWindow(flat(p * MS, 1));
    return last;
  }

  @Test
  void confirmationRunsAtTheMedianLoadAndSkipsItsWarmUpWindow() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 4, 0, 2, 3);
    HillClimber c = new HillClimber(s, 10);
    c.start(0);
    assertThat(feed(c, 95, 95, 95)).isEqualTo(new Load(10, GRID.qpsAt(10), Move.HOLD));
    assertThat(feed(c, 95)).as("timeout: confirm at the median, same load").isEqualTo(new Load(10, GRID.qpsAt(10), Move.HOLD));
    assertThat(feed(c, 500)).isInstanceOf(Load.class); // warm-up: not counted
    assertThat(feed(c, 80)).isInstanceOf(Load.class);
    HillClimber.Sustainable r = ((Done) feed(c, 90)).result();
    assertThat(r.gridIndex()).isEqualTo(10);
    assertThat(r.confirmed()).isTrue();
    assertThat(r.slaMet()).isTrue();
    assertThat(r.p95Ns()).isEqualTo(90 * MS);
    assertThat(r.windows()).isEqualTo(7);
    assertThat(r.trace()).extracting(HillClimber.WindowTrace::confirming)
        .containsExactly(false, false, false, false, true, true, true);
  }

  @Test
  void aFailedConfirmationStepsDownAndConfirmsAgain() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 4, 0, 2, 2);
    HillClimber c = new HillClimber(s, 10);
    c.start(0);
    // climb: 10 -> 11 -> 12 -> 13, median of the last two loads (12, 13) is 12: confirm there
    assertThat(feed(c, 50, 50, 50, 50)).isEqualTo(new Load(12, GRID.qpsAt(12), Move.DOWN));
    assertThat(feed(c, 10, 150)).isEqualTo(new Load(11, GRID.qpsAt(11), Move.DOWN)); // 150 > SLA: one step down
    assertThat(feed(c, 10, 130)).isEqualTo(new Load(10, GRID.qpsAt(10), Move.DOWN));
    HillClimber.Sustainable r = ((Done) feed(c, 500, 99)).result();
    assertThat(r.gridIndex()).isEqualTo(10);
    assertThat(r.qps()).isEqualTo(GRID.qpsAt(10));
    assertThat(r.p95Ns()).isEqualTo(99 * MS);
    assertThat(r.trace()).filteredOn(HillClimber.WindowTrace::confirming).extracting(HillClimber.WindowTrace::move)
        .containsExactly(Move.HOLD, Move.DOWN, Move.HOLD, Move.DOWN, Move.HOLD, Move.HOLD);
  }

  @Test
  void aConfirmationFailingAtTheGridBottomIsInfeasible() {
    HillClimbSettings s = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 3, 0, 3, 1);
    HillClimber c = new HillClimber(s, 1);
    c.start(0);
    assertThat(feed(c, 300, 300, 300)).isEqualTo(new Load(0, GRID.qpsAt(0), Move.HOLD)); // median of 1, 0, 0 = 0
    HillClimber.Sustainable r = ((Done) feed(c, 300)).result(); // one window, no warm-up
    assertThat(r.feasible()).isFalse();
    assertThat(r.slaMet()).isFalse();
    assertThat(r.qps()).isZero();
    assertThat(r.p95Ns()).isEqualTo(300 * MS);
  }

  static Stream<Arguments> models() {
    return Stream.of(
        // capacity 900: p95 <= 100 ms up to 810 qps -> grid 794.3 (index 38); it alternates 38/39, and the paper's
        // pooled p95 over those windows includes 39's, over the SLA
        Arguments.of(10 * MS, 900.0, 0, 0, false),
        Arguments.of(10 * MS, 900.0, 30, 0, false),
        Arguments.of(10 * MS, 900.0, 60, 0, false),
        Arguments.of(10 * MS, 900.0, 0, 3, true),
        Arguments.of(10 * MS, 900.0, 60, 1, true),
        Arguments.of(50 * MS, 300.0, 0, 0, true), // up to 150 qps -> 141.3, inside the hold band: stays there
        Arguments.of(50 * MS, 300.0, 0, 2, true),
        Arguments.of(1 * MS, 20_000.0, 10, 0, true)); // capacity above the grid: settles at the top
  }

  @ParameterizedTest(name = "base {0} ns, capacity {1}, start {2}, confirm {3}, SLA met {4}")
  @MethodSource("models")
  void settlesAtTheHighestLoadThatMeetsTheSla(long baseNs, double capacity, int start, int confirm, boolean slaMet) {
    RecConfig cfg = RecConfig.cpuOnly(8);
    AnalyticModel m = new AnalyticModel(baseNs, Map.of(8, capacity), Map.of());
    HillClimbSettings settings = new HillClimbSettings(100 * MS, 1.1, GRID, 64, 100, 0, 10, confirm);
    HillClimber c = new HillClimber(settings, start);
    double qps = c.start(0).qps();
    Step step;
    int windows = 0;
    do {
      step = c.onWindow(m.window(cfg, qps, ++windows));
      if (step instanceof Load l) qps = l.qps();
    } while (step instanceof Load);
    int expected = m.bestIndex(cfg, S);
    HillClimber.Sustainable r = ((Done) step).result();
    assertThat(r.gridIndex()).isEqualTo(expected);
    assertThat(r.p95Ns()).isLessThanOrEqualTo(m.p95Ns(cfg, GRID.qpsAt(expected + 1 > GRID.top() ? GRID.top() : expected + 1)));
    assertThat(windows).isEqualTo(S.maxWindows() + confirm);
    assertThat(r.slaMet()).isEqualTo(slaMet);
    assertThat(r.confirmed()).isEqualTo(confirm > 0);
  }

  @Test
  void knownOptimaOfTheModelTable() {
    AnalyticModel m = new AnalyticModel(10 * MS, Map.of(8, 900.0), Map.of());
    assertThat(m.bestIndex(RecConfig.cpuOnly(8), S)).isEqualTo(38);
    assertThat(GRID.qpsAt(38)).isBetween(794.0, 794.5);
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new HillClimbSettings(0, 1.1, GRID, 64, 10, 0, 5, 0)).hasMessageContaining("slaNs");
    assertThatThrownBy(() -> new HillClimbSettings(1, 0.9, GRID, 64, 10, 0, 5, 0)).hasMessageContaining("holdBand");
    assertThatThrownBy(() -> new HillClimbSettings(1, 1.1, GRID, 64, 10, 0, 11, 0)).hasMessageContaining("medianOfLast");
    assertThatThrownBy(() -> new HillClimber(S, 0).onWindow(flat(1, 1))).hasMessageContaining("start()");
  }
}
