package io.testbed.experiments.bundle;

/**
 * A query's energy from the meter bound to its device (issue 6), beside the device's own figure in
 * {@code queries.csv}: the orchestrator integrates the meter over the inference's window.
 *
 * @param meterId the meter; null when none was bound ({@code method} {@code none})
 * @param energyJ joules, null when unavailable
 * @param uncertaintyJ alignment uncertainty of {@code energyJ}, null when unavailable
 * @param method {@code integrated}, {@code window-average}, {@code unavailable} or {@code none} (no meter bound)
 * @param source the meter's source: {@code metered}, or {@code modelled} for a modelled meter
 */
public record MeteredQueryEnergy(String meterId, Double energyJ, Double uncertaintyJ, String method, String source) {
  /** No meter was bound to the query's device. */
  public static final MeteredQueryEnergy NONE = new MeteredQueryEnergy(null, null, null, "none", null);

  public MeteredQueryEnergy {
    if (method == null || method.isBlank()) throw new IllegalArgumentException("method is required");
  }
}
