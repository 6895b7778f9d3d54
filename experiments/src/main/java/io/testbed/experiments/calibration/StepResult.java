package io.testbed.experiments.calibration;

/**
 * What one calibration step measured, over its window on the orchestrator's clock.
 *
 * @param utilisation share of the window the target was busy (the device's execution windows inside it / its length)
 * @param modelledW mean of the device's own modelled power over the window; null when the device sent none
 * @param meteredW mean of the meter's power over the window; null when the meter had no samples there
 * @param meteredSamples meter samples inside the window
 * @param note what went wrong or was assumed; empty when the step ran cleanly
 */
public record StepResult(int index, String label, String model, String target, double level, long windowStartNs,
    long windowEndNs, int inferences, int failures, double utilisation, Double modelledW, int modelledSamples,
    Double meteredW, int meteredSamples, double alignmentUncertaintyNs, String note) {
  public StepResult {
    note = note == null ? "" : note;
  }

  public double windowS() { return (windowEndNs - windowStartNs) / 1e9; }

  /** Signed error of the model against the meter, percent; NaN when either is missing. */
  public double errorPct() { return PowerFit.errorPct(modelledW, meteredW); }
}
