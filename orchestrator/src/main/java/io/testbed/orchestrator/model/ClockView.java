package io.testbed.orchestrator.model;

/**
 * One remote clock against the orchestrator's ({@code GET /api/v1/clocks}, and inside each meter view).
 *
 * @param kind {@code device} or {@code meter}
 * @param offsetNs remote minus orchestrator at {@code refNs}
 * @param driftPpm rate difference, parts per million
 * @param uncertaintyNs half the least round trip plus the fit's RMS residual (offset, drift and uncertainty are null before the first echo)
 */
public record ClockView(String kind, String id, long refNs, Double offsetNs, Double driftPpm, Double uncertaintyNs,
    long minDelayNs, int samplesUsed, int exchanges, long probesSent, long echoesRefused) {}
