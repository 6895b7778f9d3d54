package io.testbed.orchestrator.policy.autoscale;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * AutoScale's metrics for one policy on one trace (SYSTEMS.md section 1): inferences per joule (also normalised to
 * CPU-only's), QoS-violation rate, accuracy, share of decisions equal to the oracle's, and requests-to-converge
 * (SYSTEMS.md section 8, see {@link ConvergenceCriterion}).
 *
 * @param requests requests in the run
 * @param okCount inferences that succeeded
 * @param energyJ total measured energy of all requests
 * @param inferencesPerJoule {@code okCount / energyJ} (NaN when no energy was measured)
 * @param vsCpuOnly {@code inferencesPerJoule / cpu-only's} (NaN without a CPU-only run)
 * @param qosViolationRate share of requests that failed or took longer than the QoS latency
 * @param meanAccuracy mean accuracy over ok requests that report one (NaN when none does)
 * @param oracleMatchShare share of requests whose action equals the oracle's
 * @param nearOracleShare share of requests that are good by the convergence criterion
 * @param requestsToConverge from the run's start; empty when it never converged
 * @param oracleFallbacks requests under a condition where no action was feasible
 */
public record PolicyReport(
    String policy, int requests, int okCount, double energyJ, double inferencesPerJoule, double vsCpuOnly,
    double qosViolationRate, double meanAccuracy, double oracleMatchShare, double nearOracleShare,
    OptionalInt requestsToConverge, int oracleFallbacks) {

  /** The report of one policy's records; {@code cpuOnlyInferencesPerJoule} may be NaN. */
  public static PolicyReport of(
      String policy, List<RequestRecord> records, AutoScaleSettings.Objective o, ConvergenceCriterion c,
      double cpuOnlyInferencesPerJoule) {
    int n = records.size();
    if (n == 0) throw new IllegalArgumentException("policy '" + policy + "' has no records");
    int ok = 0, violations = 0, match = 0, near = 0, fallbacks = 0, accN = 0;
    double energy = 0, acc = 0;
    for (RequestRecord r : records) {
      energy += r.energyJ();
      if (r.ok()) ok++;
      if (!r.ok() || r.latencyMs() > o.qosLatencyMs()) violations++;
      if (r.ok() && !Double.isNaN(r.accuracy())) {
        acc += r.accuracy();
        accN++;
      }
      if (r.equalsOracle()) match++;
      if (c.good(r)) near++;
      if (r.oracleFallback()) fallbacks++;
    }
    double ipj = energy > 0 ? ok / energy : Double.NaN;
    return new PolicyReport(policy, n, ok, energy, ipj, ipj / cpuOnlyInferencesPerJoule, (double) violations / n,
        accN == 0 ? Double.NaN : acc / accN, (double) match / n, (double) near / n, c.requestsToConverge(records, 0),
        fallbacks);
  }

  /**
   * Reports of several policies on the same trace, in the map's order, normalised to the {@code cpu-only} policy's
   * inferences per joule when it is among them.
   */
  public static List<PolicyReport> all(
      Map<String, List<RequestRecord>> byPolicy, AutoScaleSettings.Objective o, ConvergenceCriterion c) {
    double cpu = Double.NaN;
    List<RequestRecord> cpuRecords = byPolicy.get(StaticPolicy.CPU_ONLY);
    if (cpuRecords != null) cpu = of(StaticPolicy.CPU_ONLY, cpuRecords, o, c, Double.NaN).inferencesPerJoule();
    List<PolicyReport> out = new ArrayList<>();
    for (Map.Entry<String, List<RequestRecord>> e : new LinkedHashMap<>(byPolicy).entrySet()) {
      out.add(of(e.getKey(), e.getValue(), o, c, cpu));
    }
    return out;
  }

  /** A Markdown table of reports. */
  public static String table(List<PolicyReport> reports) {
    StringBuilder b = new StringBuilder(
        "| policy | requests | inferences/J | x CPU-only | QoS violations | accuracy | = oracle | near oracle | requests to converge |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (PolicyReport r : reports) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.1f%% | %.3f | %.1f%% | %.1f%% | %s |%n",
          r.policy, r.requests, r.inferencesPerJoule, r.vsCpuOnly, 100 * r.qosViolationRate, r.meanAccuracy,
          100 * r.oracleMatchShare, 100 * r.nearOracleShare,
          r.requestsToConverge.isPresent() ? Integer.toString(r.requestsToConverge.getAsInt()) : "never"));
    }
    return b.toString();
  }
}
