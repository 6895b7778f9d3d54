package io.testbed.experiments.loadgen;

import java.util.List;

/**
 * One query LoadGen hands to the system under test.
 *
 * @param id sequence number within the run, from 0
 * @param sampleIndices indices into the sample set (size = samples per query; Offline: all samples)
 * @param scheduledNs when the query was due, in ns since the start of the run; latency counts from here
 */
public record Query(long id, List<Integer> sampleIndices, long scheduledNs) {
  public Query {
    sampleIndices = List.copyOf(sampleIndices);
    if (sampleIndices.isEmpty()) throw new IllegalArgumentException("a query needs at least one sample");
  }

  public int sampleCount() { return sampleIndices.size(); }
}
