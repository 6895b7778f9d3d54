package io.testbed.experiments.loadgen;

/** Live view of a run for progress and telemetry; called on LoadGen's thread, so keep it quick. */
public interface LoadGenListener {
  LoadGenListener NONE = new LoadGenListener() {};

  default void onIssued(Query query, long issuedNs) {}

  default void onCompleted(QueryRecord record) {}
}
