package io.testbed.orchestrator.policy.thermal;

/**
 * Fidelity target to temperature threshold (SYSTEMS.md section 4: "the highest T at which the task still meets its
 * PSNR target; depends on lighting and ambient"). Pure functions.
 *
 * <p>Expected PSNR of a frame sensed at junction temperature T, against the clean frame, 8-bit:
 * <pre>
 *   MSE(T) = (1 - h(T)) g^2 (sigma(T)^2 + offset(T)^2) + h(T) (255 - s)^2
 *   PSNR(T) = 10 log10(255^2 / MSE(T))
 * </pre>
 * with sigma, offset (DN) and hot pixel fraction h from the {@link NoiseCurve}, s the scene's mean signal level (DN)
 * and g the analog gain: a scene at lighting L (1 = the calibration's light) is read with auto-exposure gain
 * g = 1 / L, which multiplies read noise and dark offset. A noise sample contributes its variance plus the squared
 * offset; a hot pixel reads 255 whatever the scene. Clipping at 0 and 255 is ignored, which slightly underestimates
 * PSNR (the safe side for a threshold).
 */
public final class FidelityThreshold {
  /** Coolest temperature searched: anything colder behaves like the coolest calibration point anyway. */
  static final double SEARCH_FLOOR_C = -40;
  static final double SEARCH_CEILING_C = 150;
  static final double SCAN_STEP_C = 0.25;

  private FidelityThreshold() {}

  /** The scene: mean signal level in DN (0..255) and analog gain (>= 1). */
  public record Scene(double signalDn, double gain) {
    public Scene {
      if (!(signalDn >= 0 && signalDn <= 255)) throw new IllegalArgumentException("signalDn must be in [0, 255], was " + signalDn);
      if (!(gain >= 1) || !Double.isFinite(gain)) throw new IllegalArgumentException("gain must be >= 1, was " + gain);
    }

    /** A scene at {@code lighting} in (0, 1] with auto-exposure bringing the mean back to {@code signalDn}. */
    public static Scene lit(double lighting, double signalDn) {
      if (!(lighting > 0 && lighting <= 1)) throw new IllegalArgumentException("lighting must be in (0, 1], was " + lighting);
      return new Scene(signalDn, 1 / lighting);
    }
  }

  /**
   * The derived threshold. {@code temperatureC} is the highest junction temperature meeting the target;
   * {@code feasible} is false when even the coolest reachable temperature ({@code floorC}: ambient plus the rise the
   * node keeps with its processor gated) misses it, or no temperature meets it; then {@code temperatureC} is the
   * floor, so controllers still behave (stops end by their watchdog) and the report shows the miss.
   */
  public record Threshold(double temperatureC, boolean feasible, double targetPsnrDb, double floorC, String note) {}

  /** Expected PSNR in dB at junction temperature {@code tempC} (formula in the class comment). */
  public static double expectedPsnrDb(NoiseCurve curve, Scene scene, double tempC) {
    NoiseCurve.NoiseAt n = curve.at(tempC);
    double h = Math.min(1, n.hotPixelFraction()), g2 = scene.gain() * scene.gain(), hot = 255 - scene.signalDn();
    double mse = (1 - h) * g2 * (n.sigmaDn() * n.sigmaDn() + n.offsetDn() * n.offsetDn()) + h * hot * hot;
    return mse <= 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /**
   * The highest temperature T such that every temperature from the floor up to T meets {@code targetPsnrDb}: a scan
   * upward in {@value #SCAN_STEP_C} C steps to the first miss, then bisection between the last pass and that miss
   * (to 0.01 C). Scanning from below keeps the answer conservative where the measured curve is not monotone.
   *
   * @param ambientC ambient temperature
   * @param gatedRiseC the junction rise over ambient the node keeps in CAP (its sensor-only power x total thermal
   *     resistance); the coolest temperature any controller can reach
   */
  public static Threshold derive(NoiseCurve curve, Scene scene, double targetPsnrDb, double ambientC, double gatedRiseC) {
    if (curve == null || scene == null) throw new IllegalArgumentException("curve and scene are required");
    if (!Double.isFinite(targetPsnrDb)) throw new IllegalArgumentException("targetPsnrDb must be finite, was " + targetPsnrDb);
    if (!Double.isFinite(ambientC) || !(gatedRiseC >= 0)) throw new IllegalArgumentException("ambientC must be finite and gatedRiseC >= 0");
    double floor = ambientC + gatedRiseC;
    if (expectedPsnrDb(curve, scene, floor) < targetPsnrDb) {
      return new Threshold(floor, false, targetPsnrDb, floor, String.format(java.util.Locale.ROOT,
          "target %.1f dB missed even at the coolest reachable %.1f C (%.1f dB)", targetPsnrDb, floor, expectedPsnrDb(curve, scene, floor)));
    }
    double pass = floor;
    double t = floor + SCAN_STEP_C;
    while (t <= SEARCH_CEILING_C && expectedPsnrDb(curve, scene, t) >= targetPsnrDb) {
      pass = t;
      t += SCAN_STEP_C;
    }
    if (t > SEARCH_CEILING_C) return new Threshold(SEARCH_CEILING_C, true, targetPsnrDb, floor, "target met up to the search ceiling");
    double fail = t;
    while (fail - pass > 0.01) {
      double mid = (pass + fail) / 2;
      if (expectedPsnrDb(curve, scene, mid) >= targetPsnrDb) pass = mid; else fail = mid;
    }
    return new Threshold(pass, true, targetPsnrDb, floor, "");
  }
}
