package io.testbed.experiments.analysis;

/**
 * Accuracy-mode outcome: of {@code queries}, how many had a digest equal to the FP32 reference; failed queries count as
 * wrong; {@code missingReference} queries had no reference to compare with.
 */
public record AccuracyResult(long queries, long matched, long missingReference, double accuracy) {}
