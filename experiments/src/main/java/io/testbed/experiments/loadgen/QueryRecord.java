package io.testbed.experiments.loadgen;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSource;
import java.util.List;

/**
 * What happened to one query; one row of {@code queries.csv}. Times are ns since the start of the run on LoadGen's
 * ticker; latency counts from the scheduled time (SYSTEMS.md section 7).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QueryRecord(
    long queryId,
    int sampleCount,
    List<Integer> sampleIndices,
    long scheduledNs,
    long issuedNs,
    long completedNs,
    long latencyNs,
    String device,
    String target,
    Outcome outcome,
    String reason,
    Double energyJ,
    PowerSource energySource,
    String digest) {
  public QueryRecord {
    sampleIndices = List.copyOf(sampleIndices);
    if (sampleCount != sampleIndices.size()) throw new IllegalArgumentException("sampleCount must match sampleIndices");
    if (outcome == null) throw new IllegalArgumentException("outcome is required");
  }

  public boolean succeeded() { return outcome == Outcome.OK; }

  /** Issue-time error: how late the query went out compared with its schedule. */
  public long issueDelayNs() { return issuedNs - scheduledNs; }
}
