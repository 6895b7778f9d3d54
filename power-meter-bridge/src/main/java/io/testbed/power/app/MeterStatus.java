package io.testbed.power.app;

/**
 * A snapshot of one meter's counters in the running bridge.
 *
 * @param state running, backoff (failed, waiting to retry), finished (a capture fully imported) or stopped
 * @param samplesRead samples the adapter delivered, before dropping
 * @param samplesPublished samples in batches the broker accepted
 * @param duplicatesDropped samples dropped because their timestamp equalled the previous one
 * @param nonMonotonicDropped samples dropped because their timestamp went backwards
 * @param failures start or poll failures (disconnects, garbage)
 * @param restarts restarts after a failure that succeeded
 * @param publishFailures batches the broker did not accept
 * @param lastError the last failure's message, or null
 */
public record MeterStatus(
    String meterId,
    String deviceId,
    State state,
    long samplesRead,
    long samplesPublished,
    long batchesPublished,
    long duplicatesDropped,
    long nonMonotonicDropped,
    long failures,
    long restarts,
    long publishFailures,
    String lastError) {
  /** Where a meter's loop is. */
  public enum State { STARTING, RUNNING, BACKOFF, FINISHED, STOPPED }
}
