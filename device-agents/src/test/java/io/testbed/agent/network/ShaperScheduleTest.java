package io.testbed.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.ScheduleConfig;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Schedules: constant, steps, seeded random walk and Markov chain, and Mahimahi trace replay. */
class ShaperScheduleTest {
  private static final RssiLinkMap MAP = AgentSettings.load(Map.of()).autoscale().rssiMap();
  private static final LinkConditions STRONG = MAP.conditions(RadioTechnology.WIFI, -50);
  private static final LinkConditions WEAK = MAP.conditions(RadioTechnology.WIFI, -85);

  @Test
  void constantAndSteps() {
    assertThat(new ShaperSchedule.Constant(STRONG).at(123_456)).isEqualTo(STRONG);
    var steps = new ShaperSchedule.Steps(List.of(new ShaperSchedule.Step(0, STRONG), new ShaperSchedule.Step(1000, WEAK)), 0);
    assertThat(steps.at(0)).isEqualTo(STRONG);
    assertThat(steps.at(999)).isEqualTo(STRONG);
    assertThat(steps.at(1000)).isEqualTo(WEAK);
    assertThat(steps.at(50_000)).isEqualTo(WEAK);
    var repeating = new ShaperSchedule.Steps(List.of(new ShaperSchedule.Step(0, STRONG), new ShaperSchedule.Step(1000, WEAK)), 3000);
    assertThat(repeating.at(3500)).isEqualTo(STRONG);
    assertThat(repeating.at(4500)).isEqualTo(WEAK);
    assertThatThrownBy(() -> new ShaperSchedule.Steps(List.of(new ShaperSchedule.Step(500, STRONG), new ShaperSchedule.Step(100, WEAK)), 0))
        .hasMessageContaining("increasing");
  }

  @Test
  void randomWalkIsSeededBoundedAndMovesAtMostOneStepPerInterval() {
    var a = new ShaperSchedule.RandomWalk(MAP, RadioTechnology.LTE, -90, 3, 1000, -115, -70, new SplittableRandom(42));
    var b = new ShaperSchedule.RandomWalk(MAP, RadioTechnology.LTE, -90, 3, 1000, -115, -70, new SplittableRandom(42));
    var c = new ShaperSchedule.RandomWalk(MAP, RadioTechnology.LTE, -90, 3, 1000, -115, -70, new SplittableRandom(7));
    // same seed, calls in a different order: same walk
    double late = b.at(499_000).rssiDbm();
    assertThat(a.at(0).rssiDbm()).isEqualTo(-90.0);
    List<Double> walk = new ArrayList<>();
    for (int k = 0; k < 500; k++) walk.add(a.at(k * 1000L + 10).rssiDbm());
    assertThat(walk.get(499)).isEqualTo(late);
    for (int k = 1; k < walk.size(); k++) {
      assertThat(walk.get(k)).isBetween(-115.0, -70.0);
      assertThat(Math.abs(walk.get(k) - walk.get(k - 1))).isLessThanOrEqualTo(3.0 + 1e-9);
    }
    assertThat(walk.stream().distinct().count()).isGreaterThan(100);
    assertThat(c.at(100_000).rssiDbm()).isNotEqualTo(a.at(100_000).rssiDbm());
    assertThat(a.at(5000)).isEqualTo(MAP.conditions(RadioTechnology.LTE, a.rssiAtStep(5)));
  }

  @Test
  void markovChainFollowsItsTransitionMatrix() {
    double[][] p = {{0.9, 0.1, 0.0}, {0.2, 0.6, 0.2}, {0.0, 0.5, 0.5}};
    List<LinkConditions> levels = List.of(STRONG, MAP.conditions(RadioTechnology.WIFI, -70), WEAK);
    var m = new ShaperSchedule.Markov(levels, p, 0, 100, new SplittableRandom(3));
    var again = new ShaperSchedule.Markov(levels, p, 0, 100, new SplittableRandom(3));
    int[][] counts = new int[3][3];
    int[] visits = new int[3];
    int n = 20_000;
    for (int k = 1; k < n; k++) {
      int from = m.levelAtStep(k - 1);
      int to = m.levelAtStep(k);
      counts[from][to]++;
      visits[from]++;
      assertThat(p[from][to]).as("transition %d -> %d has probability 0", from, to).isPositive();
    }
    assertThat(again.at(100L * (n - 1))).isEqualTo(m.at(100L * (n - 1)));
    assertThat((double) counts[0][0] / visits[0]).isCloseTo(0.9, within(0.03));
    assertThat((double) counts[1][1] / visits[1]).isCloseTo(0.6, within(0.03));
    assertThat((double) counts[2][1] / visits[2]).isCloseTo(0.5, within(0.05));
    // stationary distribution of p: (0.588, 0.294, 0.118)
    assertThat((double) visits[0] / n).isCloseTo(10.0 / 17, within(0.05));
    assertThatThrownBy(() -> new ShaperSchedule.Markov(levels, new double[][] {{1, 0, 0}, {0.5, 0.6, 0}, {0, 0, 1}}, 0, 100, new SplittableRandom(1)))
        .hasMessageContaining("row 1 sums to");
  }

  @Test
  void mahimahiTraceGivesTheRateOfEachWindow() throws IOException {
    // 1000 opportunities in the first second (12 Mb/s), 250 in the second (3 Mb/s), none in the third
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1000; i++) sb.append(i).append('\n');
    for (int i = 0; i < 250; i++) sb.append(1000 + i * 4).append('\n');
    sb.append(3000).append('\n');
    long[] ts = ShaperSchedule.TraceReplay.parse(new StringReader(sb.toString()));
    var replay = new ShaperSchedule.TraceReplay(STRONG, ts, 1000, 0.012);
    assertThat(replay.durationMs()).isEqualTo(3000);
    assertThat(replay.rateMbps(500)).isCloseTo(12.0, within(1e-9));
    assertThat(replay.rateMbps(1500)).isCloseTo(3.0, within(1e-9));
    assertThat(replay.rateMbps(2500)).isCloseTo(0.012, within(1e-9)); // one opportunity (at 3000 ms) in the last window: 0.012 Mb/s
    assertThat(replay.rateMbps(3500)).isCloseTo(12.0, within(1e-9)); // repeats
    LinkConditions c = replay.at(1500);
    assertThat(c.rateMbps()).isCloseTo(3.0, within(1e-9));
    assertThat(c.delayMs()).isEqualTo(STRONG.delayMs());
    assertThat(c.rssiDbm()).isEqualTo(STRONG.rssiDbm());
    assertThatThrownBy(() -> ShaperSchedule.TraceReplay.parse(new StringReader("1\n2\nx\n"))).hasMessageContaining("line 3");
    assertThatThrownBy(() -> ShaperSchedule.TraceReplay.parse(new StringReader("5\n3\n"))).hasMessageContaining("non-decreasing");
  }

  @Test
  void replaysARealCellularTrace() {
    // AT&T LTE uplink, driving (Mahimahi traces, Winstein et al. NSDI 2013): 19101 opportunities over 120 s
    long[] ts = ScheduleConfig.readTrace("classpath:traces/ATT-LTE-driving-2016.up");
    assertThat(ts).hasSize(19101);
    var replay = new ShaperSchedule.TraceReplay(STRONG, ts, 1000, 0.012);
    assertThat(replay.meanRateMbps()).isCloseTo(19101 * 1500 * 8.0 / 120_002 / 1000, within(1e-9));
    assertThat(replay.rateMbps(2500)).isCloseTo(1064 * 1500 * 8.0 / 1e6, within(0.2)); // the third second is the fastest of the first ten
    assertThat(replay.rateMbps(2500)).isGreaterThan(replay.rateMbps(500));
    assertThat(replay.rateMbps(4500)).isLessThan(0.2);
  }
}
