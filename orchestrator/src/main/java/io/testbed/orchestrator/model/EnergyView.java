package io.testbed.orchestrator.model;

/**
 * Energy of one inference from its device's bound meter ({@code GET /api/v1/meters/{id}/energy}, the {@code inference}
 * point's energy fields).
 *
 * @param rawStartNs the result's start on the device's clock; {@code startNs} corrected to the orchestrator's
 * @param energyJ joules (above the idle baseline when one is measured); null when unavailable
 * @param energyUncertaintyJ alignment uncertainty of {@code energyJ}; null when unavailable
 * @param energyMethod {@code integrated}, {@code window-average} or {@code unavailable}
 * @param energySource the meter's source ({@code metered} or {@code modelled})
 * @param note why a fallback was used, what was held or subtracted; empty when integrated cleanly
 * @param deviceEnergyJ the device's own (modelled) figure from the result, null when it gave none
 */
public record EnergyView(String correlationId, String deviceId, String meterId, String run, String model, String target,
    long rawStartNs, long rawEndNs, long startNs, long endNs, Double energyJ, Double energyUncertaintyJ, String energyMethod,
    String energySource, String note, int samplesInWindow, double alignmentUncertaintyNs, double idleBaselineW,
    Double deviceEnergyJ) {}
