package io.testbed.orchestrator.policy.autoscale;

import java.util.List;
import java.util.OptionalInt;

/**
 * When a learned policy has reached quality, for requests-to-quality (SYSTEMS.md section 8, time-to-quality: count
 * from the first request to the first time the target is reached).
 *
 * <p>Request {@code i} is <em>good</em> when its action equals the oracle's, or the profile says it is feasible under
 * the request's condition with energy at most {@code (1 + energyTolerance)} times the oracle's (two actions within
 * the profile's noise are equally good). The policy has converged at request {@code i} (0-based) when the window of
 * the {@code window} requests ending at {@code i} has at least {@code share} good ones; requests-to-converge is
 * {@code i + 1} for the first such {@code i}, counted from {@code fromIndex} (0 for the run's start; after a condition
 * change, to measure re-convergence).
 *
 * @param window W, in requests, >= 1; default 20
 * @param share X in (0, 1]; default 0.8 (epsilon 0.1 explores about a tenth of requests)
 * @param energyTolerance Y >= 0; default 0.05
 */
public record ConvergenceCriterion(int window, double share, double energyTolerance) {

  public ConvergenceCriterion {
    if (window < 1) throw new IllegalArgumentException("window must be >= 1, was " + window);
    if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("share must be in (0, 1], was " + share);
    if (!(energyTolerance >= 0) || Double.isInfinite(energyTolerance)) {
      throw new IllegalArgumentException("energyTolerance must be a finite number >= 0, was " + energyTolerance);
    }
  }

  public static ConvergenceCriterion defaults() {
    return new ConvergenceCriterion(20, 0.8, 0.05);
  }

  /** Whether one request is good (see the type's description). */
  public boolean good(RequestRecord r) {
    return r.equalsOracle()
        || (r.profiledFeasible() && r.profiledEnergyJ() <= (1 + energyTolerance) * r.oracleProfiledEnergyJ());
  }

  /** Requests from {@code fromIndex} (a list position) until converged, or empty when it never converges. */
  public OptionalInt requestsToConverge(List<RequestRecord> records, int fromIndex) {
    if (fromIndex < 0 || fromIndex > records.size()) {
      throw new IllegalArgumentException("fromIndex " + fromIndex + " is outside 0.." + records.size());
    }
    int need = (int) Math.ceil(share * window - 1e-9);
    int good = 0;
    for (int i = fromIndex; i < records.size(); i++) {
      if (good(records.get(i))) good++;
      if (i - fromIndex >= window && good(records.get(i - window))) good--;
      if (i - fromIndex + 1 >= window && good >= need) return OptionalInt.of(i - fromIndex + 1);
    }
    return OptionalInt.empty();
  }
}
