package io.testbed.experiments.analysis;

/**
 * What the analysis needs beyond the raw run.
 *
 * @param sutName printed as "SUT name"
 * @param qosLatencyNs the spec's {@code qos.latencyMs} in ns, 0 when none (reported as a violation rate)
 * @param accuracyTarget the spec's {@code qos.accuracy}, null when none
 * @param reference FP32 reference digests for accuracy mode, null when none
 */
public record SummaryOptions(String sutName, long qosLatencyNs, Double accuracyTarget, AccuracyReference reference) {
  public SummaryOptions {
    if (sutName == null || sutName.isBlank()) throw new IllegalArgumentException("sutName is required");
    if (qosLatencyNs < 0) throw new IllegalArgumentException("qosLatencyNs must be >= 0");
  }

  public static SummaryOptions named(String sutName) { return new SummaryOptions(sutName, 0, null, null); }

  /** Options from a plan's QoS targets. */
  public static SummaryOptions forPlan(io.testbed.experiments.spec.ExperimentPlan plan, String sutName) {
    return new SummaryOptions(sutName, plan.qosLatencyNs(), plan.accuracyTarget(), null);
  }

  public SummaryOptions withReference(AccuracyReference r) { return new SummaryOptions(sutName, qosLatencyNs, accuracyTarget, r); }
}
