package io.testbed.power.port;

import io.testbed.protocol.PowerSample;
import java.time.Duration;
import java.util.List;

/**
 * What every meter adapter implements. The bridge calls {@link #start()}, then {@link #poll()} every
 * {@link #pollInterval()} from one thread; when either throws it calls {@link #close()} and, after a backoff,
 * {@link #start()} again. Samples carry epoch-ns timestamps of the bridge's clock (or of the capture, for imports).
 */
public interface MeterAdapter extends AutoCloseable {
  MeterInfo info();

  default String meterId() { return info().meterId(); }

  default String deviceId() { return info().deviceId(); }

  default double nominalRateHz() { return info().nominalRateHz(); }

  default double resolutionW() { return info().resolutionW(); }

  /** How often the bridge calls {@link #poll()}: one sample period for sampling meters, shorter for buffered ones. */
  Duration pollInterval();

  /** Opens files, processes or connections. Called again after a failure, once {@link #close()} has run. */
  void start() throws MeterException;

  /** Samples read since the last poll, oldest first; empty when none is due. Throws when the meter fails or answers garbage. */
  List<PowerSample> poll() throws MeterException;

  /** True when a finite source (a capture file) has delivered everything; the bridge then stops polling this meter. */
  default boolean exhausted() { return false; }

  /** Releases what {@link #start()} opened; safe to call twice and after a failed start. Never throws. */
  @Override
  void close();
}
