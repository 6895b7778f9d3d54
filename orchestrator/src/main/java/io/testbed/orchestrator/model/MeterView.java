package io.testbed.orchestrator.model;

import io.testbed.protocol.PowerSample;

/**
 * A meter as REST shows it ({@code GET /api/v1/meters}).
 *
 * @param boundDevice the device its power is attributed to
 * @param binding {@code batch} (the device its batches name) or {@code rest} (re-bound over REST)
 * @param source {@code metered} or {@code modelled}
 * @param sampleRateHz nominal rate its batches announce; {@code measuredRateHz} over the kept samples
 * @param lastSample newest accepted sample, on the meter's clock
 * @param duplicatesDropped duplicated timestamps dropped on arrival; {@code nonMonotonicDropped} earlier ones
 * @param clock the meter's clock estimate, null before the first echo
 */
public record MeterView(String id, String boundDevice, String batchDevice, String binding, String source, double sampleRateHz,
    double measuredRateHz, PowerSample lastSample, Long lastSampleCorrectedNs, long samplesReceived, int samplesKept,
    long duplicatesDropped, long nonMonotonicDropped, long dropped, ClockView clock) {}
