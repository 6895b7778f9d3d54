package io.testbed.experiments.loadgen;

/** Callback the system under test calls once per query, from any thread; later calls for the same query are ignored. */
@FunctionalInterface
public interface QueryCompletion {
  void complete(QueryOutcome outcome);
}
