package io.testbed.experiments.calibration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * The linear power model of a device, {@code P = idleW + sum over targets of k_target x utilisation_target}
 * (SYSTEMS.md section 1: on-device power = idle + busy power of the target in use), fitted by ordinary least squares
 * to per-step mean power, with each coefficient's standard error and R^2; and the model's error against a meter
 * (MAPE). Pure.
 */
public final class PowerFit {
  private PowerFit() {}

  /** One step: the share of time each target was busy, and the step's mean power (W). */
  public record Observation(Map<String, Double> utilisation, double powerW) {
    public Observation {
      utilisation = Map.copyOf(utilisation);
    }

    public double of(String target) { return utilisation.getOrDefault(target, 0.0); }
  }

  /** A fitted coefficient and its standard error (NaN when the fit has no residual degrees of freedom). */
  public record Coefficient(double value, double standardError) {}

  /**
   * @param idleW the intercept (whole-device idle power)
   * @param kW per target, W added at utilisation 1 ({@code busy-w = idle + k})
   * @param rSquared coefficient of determination of the fit
   * @param residualStdW standard deviation of the residuals (W)
   * @param observations steps used
   */
  public record Result(Coefficient idleW, Map<String, Coefficient> kW, double rSquared, double residualStdW,
      int observations) {
    public Result {
      kW = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kW));
    }

    /** The fitted power at the given utilisations. */
    public double predictW(Map<String, Double> utilisation) {
      double p = idleW.value();
      for (Map.Entry<String, Coefficient> e : kW.entrySet()) p += e.getValue().value() * utilisation.getOrDefault(e.getKey(), 0.0);
      return p;
    }

    /** {@code busy-w} of a target as the device profile writes it: idle + k. */
    public double busyW(String target) { return idleW.value() + kW.get(target).value(); }
  }

  /**
   * Fits the model to {@code observations} over {@code targets} (one k each).
   *
   * @throws IllegalArgumentException when there are not more observations than coefficients, or the utilisations
   *     cannot separate the coefficients (a target never busy, or two always busy together); the message says which
   */
  public static Result fit(List<Observation> observations, List<String> targets) {
    int n = observations.size();
    int p = targets.size() + 1;
    if (n <= p) {
      throw new IllegalArgumentException(n + " observation(s) for " + p + " coefficients: the fit needs more steps than coefficients");
    }
    for (String t : targets) {
      if (observations.stream().allMatch(o -> o.of(t) == 0)) {
        throw new IllegalArgumentException("target '" + t + "' is never busy in the observations: its k cannot be fitted");
      }
    }
    double[] y = new double[n];
    double[][] x = new double[n][targets.size()];
    for (int i = 0; i < n; i++) {
      Observation o = observations.get(i);
      if (!Double.isFinite(o.powerW())) throw new IllegalArgumentException("observation " + (i + 1) + ": power is not finite");
      y[i] = o.powerW();
      for (int j = 0; j < targets.size(); j++) {
        double u = o.of(targets.get(j));
        if (!Double.isFinite(u) || u < 0) throw new IllegalArgumentException("observation " + (i + 1) + ": utilisation of "
            + targets.get(j) + " must be finite and >= 0, was " + u);
        x[i][j] = u;
      }
    }
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.newSampleData(y, x);
    double[] beta;
    double[] se;
    try {
      beta = ols.estimateRegressionParameters();
      se = ols.estimateRegressionParametersStandardErrors();
    } catch (SingularMatrixException e) {
      throw new IllegalArgumentException("the utilisations of " + targets + " do not separate the coefficients "
          + "(targets always busy together, or too few distinct levels)");
    }
    Map<String, Coefficient> k = new LinkedHashMap<>();
    for (int j = 0; j < targets.size(); j++) k.put(targets.get(j), new Coefficient(beta[j + 1], se[j + 1]));
    double r2 = ols.calculateRSquared();
    double sigma = Math.sqrt(ols.estimateErrorVariance());
    return new Result(new Coefficient(beta[0], se[0]), k, r2, sigma, n);
  }

  /**
   * Mean absolute percentage error of {@code modelledW} against {@code meteredW} (pairs by index), in percent. Pairs
   * whose metered value is 0 or not finite are skipped (a percentage of nothing); NaN when none is left.
   */
  public static double mapePct(List<Double> modelledW, List<Double> meteredW) {
    if (modelledW.size() != meteredW.size()) throw new IllegalArgumentException("modelled and metered differ in length");
    double sum = 0;
    int n = 0;
    for (int i = 0; i < modelledW.size(); i++) {
      Double m = modelledW.get(i);
      Double r = meteredW.get(i);
      if (m == null || r == null || !Double.isFinite(m) || !Double.isFinite(r) || r == 0) continue;
      sum += Math.abs(m - r) / Math.abs(r);
      n++;
    }
    return n == 0 ? Double.NaN : 100.0 * sum / n;
  }

  /** Signed error of one step in percent: (modelled - metered) / metered; NaN when it cannot be computed. */
  public static double errorPct(Double modelledW, Double meteredW) {
    if (modelledW == null || meteredW == null || !Double.isFinite(modelledW) || !Double.isFinite(meteredW) || meteredW == 0) {
      return Double.NaN;
    }
    return 100.0 * (modelledW - meteredW) / meteredW;
  }
}
