package io.testbed.experiments.loadgen;

/**
 * What LoadGen drives: the orchestrator's device fleet, an in-process model, or a synthetic system in tests.
 * {@link #issue} is called on LoadGen's thread and must return quickly (hand the work off); the outcome comes back
 * through {@code completion}, from any thread, possibly before {@code issue} returns. A query never completed counts
 * as a timeout after {@code queryTimeoutMs}.
 */
@FunctionalInterface
public interface SystemUnderTest {
  void issue(Query query, QueryCompletion completion);

  /** Name printed as "SUT name" in the summary. */
  default String name() { return getClass().getSimpleName(); }
}
