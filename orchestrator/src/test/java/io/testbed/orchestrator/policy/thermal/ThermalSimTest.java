package io.testbed.orchestrator.policy.thermal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ThermalSimTest {
  /** A test plant: two first-order stages, exact steps (the agent's RC model is adapted in the launcher). */
  record TwoStage(double ambientC, double fast, double slow) implements ThermalPlant {
    static final double RF = 7.5, RS = 20, TF = 5e6, TS = 5e9;

    @Override public double junctionC() { return ambientC + fast + slow; }

    @Override public ThermalPlant step(double w, long dt) {
      return new TwoStage(ambientC, w * RF + (fast - w * RF) * Math.exp(-dt / TF), w * RS + (slow - w * RS) * Math.exp(-dt / TS));
    }
  }

  static final ReadingGuard GUARD = ReadingGuard.stagioni(3.3);
  static final PowerTable POWER = new PowerTable(2.0, 0.305, 0.305, 0.898, 0.05);
  static final ThermalSim.Scenario SCENARIO = new ThermalSim.Scenario(30_000_000_000L, 30, 1_000_000L, 1_000_000_000L, 75,
      24, NoiseCurveTest.STAGIONI, FidelityThreshold.Scene.lit(1, 128), POWER, null);

  static ThermalSim.Report run(ThermalPolicy p) { return ThermalSim.run(p, new TwoStage(25, 0, 0), SCENARIO); }

  @Test
  void baselinesDrawTheirModesPower() {
    ThermalSim.Report near = run(FixedMode.allNear(GUARD));
    ThermalSim.Report far = run(FixedMode.allFar(GUARD));
    assertThat(near.systemW()).isCloseTo(2.0, within(1e-9));
    assertThat(near.transferW()).isZero();
    assertThat(far.nodeW()).isCloseTo(0.305, within(1e-9));
    assertThat(far.transferW()).isCloseTo(0.898, within(1e-9));
    assertThat(far.farW()).isCloseTo(0.05 * 30, within(1e-9));
    assertThat(far.systemW()).isCloseTo(0.305 + 0.898 + 1.5, within(1e-9));
    assertThat(near.effectiveFps()).isEqualTo(30.0);
    assertThat(near.processedFps()).isCloseTo(30, within(0.05));
    assertThat(far.nearDuty()).isZero();
    assertThat(far.timeAboveThresholdS()).isZero();          // FAR settles at 25 + 1.203 x 27.5 = 58 C
    assertThat(near.timeAboveThresholdS()).isGreaterThan(10); // NSP passes 75 C after ~10 s
  }

  @Test
  void stopCaptureGoTakesEveryCaptureAtOrBelowTheThreshold() {
    ThermalSim.Report near = run(FixedMode.allNear(GUARD));
    ThermalSim.Report scg = run(StopCaptureGo.untilCool(75, 200_000_000L, GUARD));
    assertThat(scg.capturePsnrDb().count()).isEqualTo(29);
    assertThat(scg.capturesMeetingTarget()).isEqualTo(1.0);
    assertThat(scg.capturePsnrDb().min()).isGreaterThanOrEqualTo(24.0);
    assertThat(near.capturesMeetingTarget()).isLessThan(0.8);
    assertThat(scg.stops()).isPositive();
    assertThat(scg.watchdogStops()).isZero();
    assertThat(scg.duty()).isLessThan(1).isGreaterThan(0.99);
    assertThat(scg.effectiveFps()).isCloseTo(30 * scg.duty(), within(1e-9));
    // fps x duty is the paper's figure; stops of a few ms rarely hold back a frame besides the one captured on "go"
    assertThat(scg.processedFps()).isBetween(scg.effectiveFps() - 0.1, 30.0);
    assertThat(scg.systemW()).isLessThan(near.systemW());
  }

  @Test
  void seasonalMigrationStaysUnderTHighAndPaysForTransfers() {
    ThermalSim.Report sm = run(new SeasonalMigration(75, 65, 100_000L, GUARD));
    assertThat(sm.maxJunctionC()).isLessThan(75 + 0.1);
    assertThat(sm.switches()).isGreaterThanOrEqualTo(2);
    assertThat(sm.transferW()).isPositive();
    assertThat(sm.nearDuty()).isBetween(0.3, 0.95);
    assertThat(sm.duty()).isLessThan(1.0).isGreaterThan(0.999);   // 100 us per switch
  }

  @Test
  void garbageReadingsAreCountedAndChangeNothing() {
    ThermalPolicy scg = StopCaptureGo.untilCool(75, 200_000_000L, GUARD);
    ThermalSim.Report clean = run(scg);
    ThermalSim.Report faulty = ThermalSim.run(scg, new TwoStage(25, 0, 0),
        SCENARIO.withReading((now, t) -> now % 100_000_000L == 50_000_000L ? 999 : t));
    assertThat(faulty.ignoredReadings()).isEqualTo(300);
    assertThat(faulty.capturesMeetingTarget()).isEqualTo(1.0);
    assertThat(faulty.systemW()).isCloseTo(clean.systemW(), within(1e-3));
  }

  @Test
  void aPlantThatNeverCoolsIsBoundedByTheWatchdog() {
    ThermalPlant stuckHot = new ThermalPlant() {
      @Override public double junctionC() { return 90; }

      @Override public ThermalPlant step(double powerW, long dtNs) { return this; }
    };
    ThermalSim.Report r = ThermalSim.run(StopCaptureGo.untilCool(75, 100_000_000L, GUARD), stuckHot, SCENARIO);
    assertThat(r.stops()).isEqualTo(29);
    assertThat(r.watchdogStops()).isEqualTo(29);
    assertThat(r.nearDuty()).isCloseTo(1 - 29 * 0.1 / 30, within(1e-3));
    assertThat(r.capturePendingAtEnd()).isFalse();
  }

  @Test
  void runsAreDeterministic() {
    ThermalPolicy p = new SeasonalMigration(75, 65, 100_000L, GUARD);
    assertThat(run(p)).isEqualTo(run(p));
  }
}
