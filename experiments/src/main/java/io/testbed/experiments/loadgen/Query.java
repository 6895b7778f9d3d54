package io.testbed.experiments.loadgen;

import java.util.List;

/**
 * One query LoadGen hands to the system under test.
 *
 * @param id sequence number within the run, from 0
 * @param sampleIndices indices into the sample set (size = samples per query; Offline: all samples)
 * @param scheduledNs when the query was due, in ns since the start of the run; latency counts from here
 * @param items candidate items of a recommendation query (Server with {@code querySize}); 0 = none
 */
public record Query(long id, List<Integer> sampleIndices, long scheduledNs, int items) {
  /** A query without an item count. */
  public Query(long id, List<Integer> sampleIndices, long scheduledNs) {
    this(id, sampleIndices, scheduledNs, 0);
  }

  public Query {
    if (items < 0) throw new IllegalArgumentException("items must be >= 0");
    sampleIndices = List.copyOf(sampleIndices);
    if (sampleIndices.isEmpty()) throw new IllegalArgumentException("a query needs at least one sample");
  }

  public int sampleCount() { return sampleIndices.size(); }
}
