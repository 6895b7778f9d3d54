package io.testbed.experiments.thermal;

/** A mode switch the controller commanded (and the node acknowledged) during a thermal run. */
public record ModeChange(String policy, int repetition, long tNs, String from, String to, String cause, double temperatureC, boolean applied) {}
