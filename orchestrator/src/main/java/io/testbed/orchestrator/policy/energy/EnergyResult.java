package io.testbed.orchestrator.policy.energy;

/**
 * Energy of one inference window.
 *
 * @param energyJ joules above the idle baseline (NaN when {@link Method#UNAVAILABLE})
 * @param samplesInWindow meter samples inside the inference's own [start, end]
 * @param uncertaintyJ alignment uncertainty: timestamp uncertainty x power at the window edges (plus any span the samples do not cover)
 * @param method how the figure was obtained
 * @param note why a fallback was used or what was assumed; empty when the window was integrated cleanly
 */
public record EnergyResult(double energyJ, int samplesInWindow, double uncertaintyJ, Method method, String note) {
  /** How an energy figure was obtained. */
  public enum Method {
    /** Power integrated over the inference's own window. */
    INTEGRATED("integrated"),
    /** The meter is too slow for the window: energy of a wider window of many inferences divided by their number. */
    WINDOW_AVERAGE("window-average"),
    /** Neither is possible (no samples, or too few even in the wider window); the note says why. */
    UNAVAILABLE("unavailable");

    private final String wireName;

    Method(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }
  }
}
