package io.testbed.experiments.loadgen;

/**
 * A hook fired on LoadGen's thread at {@code atNs} after the start of the run: the injection timeline (interference,
 * network profiles) plugs in here. {@code action} must return quickly.
 */
public record TimedAction(long atNs, String name, Runnable action) {
  public TimedAction {
    if (atNs < 0) throw new IllegalArgumentException("atNs must be >= 0");
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    if (action == null) throw new IllegalArgumentException("action is required");
  }
}
