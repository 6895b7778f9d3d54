package io.testbed.agent.sensor;

/**
 * Two-time-constant RC model of a stacked image sensor's junction temperature (SYSTEMS.md section 4), immutable.
 *
 * <p>A Foster network of two first-order stages driven by the node's power P: a fast stage (junction over package,
 * {@code rFastKPerW}, {@code tauFastNs}) and a slow stage (package over ambient, {@code rSlowKPerW},
 * {@code tauSlowNs}). Each rise obeys {@code dRise/dt = (P R - rise) / tau}; the junction temperature is ambient plus
 * both rises, the package temperature ambient plus the slow rise. {@link #step} is the exact solution for power held
 * constant over the step ({@code rise' = P R + (rise - P R) e^(-dt/tau)}), so it is stable and exact at any dt.
 *
 * <p>Defaults ({@link Params#stagioni(double)}): tau_fast 5 ms and R_fast 7.5 K/W, so gating a ~1.7 W vision
 * processor drops the junction ~13 C within ~20 ms (four fast time constants: 98 % of the fast rise), as SYSTEMS.md
 * section 4 states; tau_slow 5 s and R_slow 20 K/W, so the 2.0 W NSP node at 25 C ambient climbs to ~65 C after 5 s,
 * ~75 C after 10 s and settles at 25 + 2.0 x 27.5 = 80 C within ~25 s. These are modelled, not measured.
 */
public final class ThermalRcModel {
  /** Parameters of the model; resistances in kelvin per watt, time constants in nanoseconds. */
  public record Params(double ambientC, double rFastKPerW, long tauFastNs, double rSlowKPerW, long tauSlowNs) {
    public Params {
      if (!Double.isFinite(ambientC) || ambientC < -40 || ambientC > 125) throw new IllegalArgumentException("ambientC must be in [-40, 125], was " + ambientC);
      if (!(rFastKPerW > 0) || !Double.isFinite(rFastKPerW)) throw new IllegalArgumentException("rFastKPerW must be > 0, was " + rFastKPerW);
      if (!(rSlowKPerW > 0) || !Double.isFinite(rSlowKPerW)) throw new IllegalArgumentException("rSlowKPerW must be > 0, was " + rSlowKPerW);
      if (tauFastNs <= 0) throw new IllegalArgumentException("tauFastNs must be > 0, was " + tauFastNs);
      if (tauSlowNs <= tauFastNs) throw new IllegalArgumentException("tauSlowNs must be > tauFastNs (" + tauFastNs + "), was " + tauSlowNs);
    }

    /** The defaults documented on {@link ThermalRcModel} at the given ambient temperature. */
    public static Params stagioni(double ambientC) { return new Params(ambientC, 7.5, 5_000_000L, 20.0, 5_000_000_000L); }

    public Params withAmbientC(double c) { return new Params(c, rFastKPerW, tauFastNs, rSlowKPerW, tauSlowNs); }

    /** Steady-state junction temperature at constant power. */
    public double steadyJunctionC(double powerW) { return ambientC + powerW * (rFastKPerW + rSlowKPerW); }
  }

  /** Junction and package temperature after a step, in Celsius. */
  public record Temperatures(double junctionC, double packageC) {}

  private final Params params;
  private final double fastRiseK;
  private final double slowRiseK;

  private ThermalRcModel(Params params, double fastRiseK, double slowRiseK) {
    this.params = params;
    this.fastRiseK = fastRiseK;
    this.slowRiseK = slowRiseK;
  }

  /** A model at thermal equilibrium with the ambient (no power so far). */
  public static ThermalRcModel atAmbient(Params params) { return new ThermalRcModel(params, 0, 0); }

  /** A model already settled at constant {@code powerW}. */
  public static ThermalRcModel settled(Params params, double powerW) {
    return new ThermalRcModel(params, powerW * params.rFastKPerW(), powerW * params.rSlowKPerW());
  }

  /**
   * The same thermal state under a new ambient temperature: the junction and package temperatures stay where they are
   * (no jump); the package then relaxes toward the new ambient with the slow time constant.
   */
  public ThermalRcModel withAmbientC(double ambientC) {
    if (!Double.isFinite(ambientC)) throw new IllegalArgumentException("ambientC must be finite, was " + ambientC);
    return new ThermalRcModel(params.withAmbientC(ambientC), fastRiseK, slowRiseK + params.ambientC() - ambientC);
  }

  /** The model after {@code dtNs} at constant {@code powerW} (exact exponential discretisation). */
  public ThermalRcModel step(double powerW, long dtNs) {
    if (!Double.isFinite(powerW) || powerW < 0) throw new IllegalArgumentException("powerW must be finite and >= 0, was " + powerW);
    if (dtNs < 0) throw new IllegalArgumentException("dtNs must be >= 0, was " + dtNs);
    double fastTarget = powerW * params.rFastKPerW(), slowTarget = powerW * params.rSlowKPerW();
    double fast = fastTarget + (fastRiseK - fastTarget) * Math.exp(-(double) dtNs / params.tauFastNs());
    double slow = slowTarget + (slowRiseK - slowTarget) * Math.exp(-(double) dtNs / params.tauSlowNs());
    return new ThermalRcModel(params, fast, slow);
  }

  public Temperatures temperatures() { return new Temperatures(junctionC(), packageC()); }

  public double junctionC() { return params.ambientC() + fastRiseK + slowRiseK; }

  public double packageC() { return params.ambientC() + slowRiseK; }

  public Params params() { return params; }

  /**
   * The analytic junction temperature {@code t} ns after a power step from {@code fromW} (settled) to {@code toW}:
   * {@code T(t) = Ta + toW (Rf + Rs) + (fromW - toW) (Rf e^(-t/tauF) + Rs e^(-t/tauS))}.
   */
  public static double stepResponseJunctionC(Params p, double fromW, double toW, long tNs) {
    return p.ambientC() + toW * (p.rFastKPerW() + p.rSlowKPerW())
        + (fromW - toW) * (p.rFastKPerW() * Math.exp(-(double) tNs / p.tauFastNs()) + p.rSlowKPerW() * Math.exp(-(double) tNs / p.tauSlowNs()));
  }

  /**
   * The largest junction change physically possible within {@code dtNs} when the node draws between 0 and
   * {@code maxPowerW}: each stage moves at most {@code maxPowerW R (1 - e^(-dt/tau))}. Used to flag implausible readings.
   */
  public static double maxChangeC(Params p, double maxPowerW, long dtNs) {
    double dt = Math.max(0, dtNs);
    return maxPowerW * (p.rFastKPerW() * -Math.expm1(-dt / p.tauFastNs()) + p.rSlowKPerW() * -Math.expm1(-dt / p.tauSlowNs()));
  }
}
