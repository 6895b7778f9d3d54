package io.testbed.orchestrator.policy.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.testbed.orchestrator.policy.clock.ClockSync.Estimate;
import io.testbed.orchestrator.policy.clock.ClockSync.Exchange;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClockSyncTest {
  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_764_489_600_000_000_000L;

  /** A remote clock reading reference + offset + drift x (t - T0). */
  private record Remote(double offsetNs, double drift) {
    long at(long refNs) { return refNs + Math.round(offsetNs + drift * (refNs - T0)); }
  }

  /** One exchange starting at reference time t0 with one-way delays d1 (out) and d2 (back) and remote processing p. */
  private static Exchange exchange(Remote r, long t0, long d1, long d2, long p) {
    long t1 = r.at(t0 + d1);
    long t2 = r.at(t0 + d1 + p);
    long t3 = t0 + d1 + p + d2;
    return new Exchange(t0, t1, t2, t3);
  }

  @Test
  void symmetricPathGivesTheExactOffset() {
    Remote r = new Remote(5_000_000, 0);
    ClockSync sync = new ClockSync(16, 4);
    for (int i = 0; i < 8; i++) sync.add(exchange(r, T0 + i * S, 300_000, 300_000, 50_000));
    Estimate e = sync.estimate().orElseThrow();
    assertThat(e.offsetNs()).isCloseTo(5_000_000, within(1.0));
    assertThat(e.drift()).isCloseTo(0, within(1e-12));
    assertThat(e.minDelayNs()).isEqualTo(600_000);
    assertThat(e.uncertaintyNs()).isCloseTo(300_000, within(1.0)); // half the round trip, no residual
    assertThat(sync.correct(r.at(T0 + 3 * S))).isCloseTo(T0 + 3 * S, within(1L));
  }

  @Test
  void offsetAndDriftUnderJitterAreWithinTheStatedUncertainty() {
    Remote r = new Remote(-42_000_000, 25e-6); // 42 ms behind, 25 ppm fast
    SplittableRandom rnd = new SplittableRandom(7);
    ClockSync sync = new ClockSync(64, 16);
    for (int i = 0; i < 64; i++) {
      // base one-way delay 2 ms, exponential queueing jitter with mean 1 ms on each direction independently
      long d1 = 2_000_000 + Math.round(-1_000_000 * Math.log(1 - rnd.nextDouble()));
      long d2 = 2_000_000 + Math.round(-1_000_000 * Math.log(1 - rnd.nextDouble()));
      sync.add(exchange(r, T0 + i * S, d1, d2, 100_000));
    }
    Estimate e = sync.estimate().orElseThrow();
    assertThat(e.samplesUsed()).isEqualTo(16);
    assertThat(e.uncertaintyNs()).isLessThan(3_000_000);
    for (long t : new long[] {T0, T0 + 30 * S, T0 + 63 * S}) {
      long remote = r.at(t);
      assertThat((double) Math.abs(e.correct(remote) - t)).isLessThanOrEqualTo(e.uncertaintyNs());
      assertThat(Math.abs(e.offsetAt(t) - (r.offsetNs() + r.drift() * (t - T0)))).isLessThanOrEqualTo(e.uncertaintyNs());
    }
    assertThat(e.drift()).isCloseTo(25e-6, within(10e-6));
  }

  @Test
  void minDelayExchangesWinOverCongestedOnes() {
    Remote r = new Remote(1_000_000, 0);
    ClockSync sync = new ClockSync(32, 4);
    // heavily asymmetric congested exchanges (100 ms one way) would bias the offset by 50 ms ...
    for (int i = 0; i < 20; i++) sync.add(exchange(r, T0 + i * S, 100_000_000, 1_000_000, 0));
    // ... but four clean ones are kept instead
    for (int i = 20; i < 24; i++) sync.add(exchange(r, T0 + i * S, 1_000_000, 1_000_000, 0));
    assertThat(sync.estimate().orElseThrow().offsetNs()).isCloseTo(1_000_000, within(1.0));
  }

  @Test
  void slidingWindowFollowsAClockStep() {
    ClockSync sync = new ClockSync(8, 2);
    Remote before = new Remote(1_000_000, 0);
    Remote after = new Remote(9_000_000, 0);
    for (int i = 0; i < 8; i++) sync.add(exchange(before, T0 + i * S, 500_000, 500_000, 0));
    for (int i = 8; i < 16; i++) sync.add(exchange(after, T0 + i * S, 700_000, 700_000, 0)); // even with longer delays
    assertThat(sync.estimate().orElseThrow().offsetNs()).isCloseTo(9_000_000, within(1.0));
  }

  @Test
  void impossibleExchangesAreRefusedAndNoEstimateMeansNoCorrection() {
    ClockSync sync = new ClockSync(4, 2);
    assertThatThrownBy(() -> sync.correct(T0)).isInstanceOf(IllegalStateException.class);
    assertThat(sync.add(new Exchange(T0, T0 + 10, T0 + 5, T0 + 20))).isFalse(); // remote time runs backwards
    assertThat(sync.add(new Exchange(T0, T0, T0 + 100, T0 + 50))).isFalse(); // negative delay
    assertThat(sync.estimate()).isEmpty();
  }

  @Test
  void exchangesBunchedInOneRoundFitNoDrift() {
    ClockSync sync = new ClockSync(16, 16);
    // four probes within a millisecond whose offsets differ by 100 us of path asymmetry: no drift from that
    long[] asym = {0, 100_000, -50_000, 80_000};
    for (int i = 0; i < 4; i++) {
      long t0 = T0 + i * 200_000L;
      sync.add(new Exchange(t0, t0 + 300_000 + asym[i], t0 + 300_000 + asym[i], t0 + 600_000));
    }
    assertThat(sync.estimate().orElseThrow().drift()).isZero();
    ClockSync eager = new ClockSync(16, 16, 0);
    for (int i = 0; i < 4; i++) {
      long t0 = T0 + i * 200_000L;
      eager.add(new Exchange(t0, t0 + 300_000 + asym[i], t0 + 300_000 + asym[i], t0 + 600_000));
    }
    // fitted eagerly (no minimum span), the slope is ~0.16 = 160 000 ppm: implausible, so treated as noise as well
    assertThat(eager.estimate().orElseThrow().drift()).isZero();
    ClockSync plausible = new ClockSync(16, 16, 0);
    for (int i = 0; i < 4; i++) {
      long t0 = T0 + i * 10_000_000_000L;   // 10 s apart, remote 100 ppm fast
      long remote = t0 + 100_000 + i * 1_000_000L;
      plausible.add(new Exchange(t0, remote, remote, t0 + 200_000));
    }
    assertThat(plausible.estimate().orElseThrow().drift()).isCloseTo(100e-6, within(1e-9));
  }
}
