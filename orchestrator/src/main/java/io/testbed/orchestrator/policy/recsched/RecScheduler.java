package io.testbed.orchestrator.policy.recsched;

/**
 * A scheduler the recommendation-serving actor drives: {@link DeepRecSched} (tunes B then T) or
 * {@link StaticScheduler} (one fixed configuration, for baselines). The actor calls {@link #start} once, then
 * {@link #onWindow} for every full {@link P95Window} of the current epoch, and carries out each decision. Pure and
 * deterministic given its inputs.
 */
public interface RecScheduler {
  /** Name for logs and result files ({@code deeprecsched}, {@code static}). */
  String name();

  /** The first decision: always a {@link RecSchedDecision.Configure}. */
  RecSchedDecision start(long nowNs);

  /** After {@link RecSchedDecision.Finished}, returns the same {@code Finished} again. */
  RecSchedDecision onWindow(WindowStats window);
}
