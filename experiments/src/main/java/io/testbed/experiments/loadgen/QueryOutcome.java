package io.testbed.experiments.loadgen;

import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;

/**
 * How the system under test finished a query. The completion time is stamped by LoadGen when the outcome arrives.
 *
 * @param outcome ok, failed, timeout or rejected
 * @param reason why it did not succeed; null when ok
 * @param outputDigest digest of the output (compared with the FP32 reference in accuracy mode); null when unknown
 * @param energyJ energy of this query on the requesting device; null when unknown
 * @param energySource metered or modelled; null when energy is unknown
 * @param device device that ran (or requested) the query, for the record
 * @param target execution target, for the record
 */
public record QueryOutcome(
    Outcome outcome, String reason, String outputDigest, Double energyJ, PowerSource energySource, String device,
    String target) {
  public QueryOutcome {
    if (outcome == null) throw new IllegalArgumentException("outcome is required");
    if (outcome != Outcome.OK && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("a " + outcome.wireName() + " outcome needs a reason");
    }
    if (energyJ != null && (!Double.isFinite(energyJ) || energyJ < 0)) {
      throw new IllegalArgumentException("energyJ must be finite and >= 0, was " + energyJ);
    }
    if (energyJ != null && energySource == null) throw new IllegalArgumentException("energySource is required with energyJ");
  }

  public static QueryOutcome ok(String device, String target) {
    return new QueryOutcome(Outcome.OK, null, null, null, null, device, target);
  }

  public static QueryOutcome failed(Outcome outcome, String reason, String device, String target) {
    return new QueryOutcome(outcome, reason, null, null, null, device, target);
  }

  public QueryOutcome withDigest(String digest) {
    return new QueryOutcome(outcome, reason, digest, energyJ, energySource, device, target);
  }

  public QueryOutcome withEnergy(double joules, PowerSource source) {
    return new QueryOutcome(outcome, reason, outputDigest, joules, source, device, target);
  }

  public boolean succeeded() { return outcome == Outcome.OK; }
}
