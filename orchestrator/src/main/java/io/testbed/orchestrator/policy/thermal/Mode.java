package io.testbed.orchestrator.policy.thermal;

/** A sensor node's operating mode as the thermal controllers command it (SYSTEMS.md section 4); {@link #wireName()} is {@code SetMode.mode}. */
public enum Mode {
  /** Near-sensor processing (the paper's NEAR season). */
  NSP("nsp"),
  /** Vision processor gated, capture only (a stop of stop-capture-go). */
  CAP("cap"),
  /** Frames shipped to the far processor. */
  FAR("far");

  private final String wireName;

  Mode(String wireName) { this.wireName = wireName; }

  public String wireName() { return wireName; }
}
