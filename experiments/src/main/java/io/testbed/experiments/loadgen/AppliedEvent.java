package io.testbed.experiments.loadgen;

/** A timeline action as it happened: when it was due, when it fired (ns since the start of the run), and its error, if any. */
public record AppliedEvent(String name, long scheduledNs, long firedNs, String error) {}
