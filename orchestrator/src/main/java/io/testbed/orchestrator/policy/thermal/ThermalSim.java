package io.testbed.orchestrator.policy.thermal;

import java.util.Arrays;

/**
 * A small deterministic simulator of one sensor node under a thermal policy (SYSTEMS.md section 4): every
 * {@code tickNs} the policy sees the junction temperature (through {@link Scenario#reading}, so faults can be
 * injected) and whether a high-fidelity capture is due; its mode then holds for the tick while the {@link ThermalPlant}
 * integrates the mode's heating power. Frames arrive at {@code fps}: in NSP they are processed near the sensor, in
 * FAR shipped and processed far, in CAP (and during a mode switch) captured but not processed. The high-fidelity
 * capture is a separate readout, not a stream frame. Captures fall due every
 * {@code capturePeriodNs}, half a frame period after a frame
 * (requests are not aligned with the frame clock), and stay due until taken. Fidelity is the expected PSNR ({@link FidelityThreshold}) at the
 * junction temperature when the frame was sensed. Pure: no clock, no randomness.
 */
public final class ThermalSim {
  private ThermalSim() {}

  /** What the controller reads: the true junction temperature or a faulty reading of it. */
  @FunctionalInterface
  public interface Reading {
    double read(long nowNs, double junctionC);

    Reading EXACT = (now, t) -> t;
  }

  /** A scenario. {@code thresholdC} is the fidelity threshold reported against (time above it, capture misses). */
  public record Scenario(long durationNs, double fps, long tickNs, long capturePeriodNs, double thresholdC,
      double targetPsnrDb, NoiseCurve noise, FidelityThreshold.Scene scene, PowerTable power, Reading reading) {
    public Scenario {
      if (durationNs <= 0 || tickNs <= 0 || tickNs > durationNs) throw new IllegalArgumentException("need 0 < tickNs <= durationNs");
      if (!(fps > 0) || !Double.isFinite(fps)) throw new IllegalArgumentException("fps must be > 0, was " + fps);
      if (capturePeriodNs <= 0) throw new IllegalArgumentException("capturePeriodNs must be > 0, was " + capturePeriodNs);
      if (noise == null || scene == null || power == null) throw new IllegalArgumentException("noise, scene and power are required");
      if (reading == null) reading = Reading.EXACT;
    }

    public Scenario withReading(Reading r) {
      return new Scenario(durationNs, fps, tickNs, capturePeriodNs, thresholdC, targetPsnrDb, noise, scene, power, r);
    }
  }

  /** Percentiles (nearest rank) of a sample of PSNR values in dB; NaN when empty. */
  public record Distribution(int count, double min, double p5, double p50, double p95, double max) {
    static Distribution of(double[] values, int n) {
      if (n == 0) return new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      double[] v = Arrays.copyOf(values, n);
      Arrays.sort(v);
      return new Distribution(n, v[0], rank(v, 0.05), rank(v, 0.5), rank(v, 0.95), v[n - 1]);
    }

    private static double rank(double[] sorted, double q) {
      return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }
  }

  /**
   * Per-policy metrics. Powers are averages over the run (W): sensor node (its own power), transfer (radio in FAR),
   * far processing; system = their sum. {@code nearDuty}: share of time in NSP; {@code duty}: share of time frames
   * were processed anywhere; {@code effectiveFps} = fps x duty; {@code processedFps}: frames actually processed per
   * second. {@code capturesMeetingTarget}: share of captures sensed at or below the threshold.
   */
  public record Report(String policy, double nodeW, double transferW, double farW, double systemW, double nearDuty,
      double duty, double effectiveFps, double processedFps, Distribution framePsnrDb, Distribution capturePsnrDb,
      double capturesMeetingTarget, double timeAboveThresholdS, double maxJunctionC, long stops, long watchdogStops,
      long switches, long ignoredReadings, boolean capturePendingAtEnd) {}

  /** Runs {@code policy} from {@code plant} through {@code scenario}. */
  public static Report run(ThermalPolicy policy, ThermalPlant plant, Scenario sc) {
    if (policy == null || plant == null || sc == null) throw new IllegalArgumentException("policy, plant and scenario are required");
    long ticks = sc.durationNs() / sc.tickNs();
    double framePeriodNs = 1e9 / sc.fps();
    int maxFrames = (int) Math.ceil(sc.durationNs() / framePeriodNs) + 1;
    int maxCaptures = (int) (sc.durationNs() / sc.capturePeriodNs()) + 2;
    double[] framePsnr = new double[maxFrames];
    double[] capturePsnr = new double[maxCaptures];
    int frames = 0, captures = 0, capturesOk = 0;
    long nextFrame = 0, nextCaptureNs = sc.capturePeriodNs() + Math.round(framePeriodNs / 2);
    boolean captureDue = false;
    double nodeJ = 0, transferJ = 0, farJ = 0, maxC = plant.junctionC();
    long aboveNs = 0, switchingNs = 0, processedNs = 0, nspNs = 0;
    ControllerState state = policy.initial(0);
    for (long k = 0; k < ticks; k++) {
      long now = k * sc.tickNs(), end = now + sc.tickNs();
      double t = plant.junctionC();
      maxC = Math.max(maxC, t);
      if (now >= nextCaptureNs) {
        captureDue = true;
        nextCaptureNs += sc.capturePeriodNs();
      }
      ThermalPolicy.Step step = policy.decide(state, new Observation(sc.reading().read(now, t), now, captureDue));
      state = step.next();
      Decision d = step.decision();
      double psnr = FidelityThreshold.expectedPsnrDb(sc.noise(), sc.scene(), t);
      if (d.capture() && captureDue) {
        captureDue = false;
        capturePsnr[captures++] = psnr;
        if (t <= sc.thresholdC()) capturesOk++;
      }
      long switching = d instanceof Decision.SwitchMode sw ? Math.min(sw.switchLatencyNs(), sc.tickNs()) : 0;
      switchingNs += switching;
      Mode m = d.mode();
      boolean processing = m != Mode.CAP;
      if (processing) processedNs += sc.tickNs() - switching;
      if (m == Mode.NSP) nspNs += sc.tickNs() - switching;
      while (nextFrame * framePeriodNs < end) {
        double at = nextFrame * framePeriodNs;
        nextFrame++;
        if (!processing || at < now + switching) continue;
        framePsnr[frames++] = psnr;
        if (m == Mode.FAR) farJ += sc.power().farJPerFrame();
      }
      double dt = sc.tickNs() / 1e9;
      nodeJ += sc.power().nodeW(m) * dt;
      if (m == Mode.FAR) transferJ += sc.power().transferW() * dt;
      if (t > sc.thresholdC()) aboveNs += sc.tickNs();
      plant = plant.step(sc.power().heatingW(m), sc.tickNs());
    }
    double total = ticks * sc.tickNs() / 1e9;
    double duty = processedNs / (ticks * (double) sc.tickNs());
    return new Report(policy.name(), nodeJ / total, transferJ / total, farJ / total, (nodeJ + transferJ + farJ) / total,
        nspNs / (ticks * (double) sc.tickNs()), duty, sc.fps() * duty, frames / total, Distribution.of(framePsnr, frames),
        Distribution.of(capturePsnr, captures), captures == 0 ? Double.NaN : (double) capturesOk / captures, aboveNs / 1e9,
        maxC, state.stops(), state.watchdogStops(), state.switches(), state.ignoredReadings(), captureDue);
  }
}
