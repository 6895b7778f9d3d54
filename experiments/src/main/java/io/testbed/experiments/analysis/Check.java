package io.testbed.experiments.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Result of one validity check in a summary, printed the way MLPerf prints it. */
public enum Check {
  @JsonProperty("yes") YES("Yes"),
  @JsonProperty("no") NO("NO"),
  /** Not checked in this run (e.g. min duration in accuracy mode, early stopping switched off). */
  @JsonProperty("skipped") SKIPPED("Skipped"),
  /** The scenario has no such check (e.g. a latency constraint in Offline). */
  @JsonProperty("n/a") NOT_APPLICABLE("N/A");

  private final String text;

  Check(String text) { this.text = text; }

  public String text() { return text; }

  public static Check of(boolean ok) { return ok ? YES : NO; }

  public boolean failed() { return this == NO; }
}
