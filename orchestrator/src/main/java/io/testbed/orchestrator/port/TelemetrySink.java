package io.testbed.orchestrator.port;

/**
 * Where telemetry points go (InfluxDB, line-protocol files, memory). {@link #write} is cheap and never blocks on I/O:
 * implementations batch and write on their own thread; failures are logged there, never thrown to the caller.
 */
public interface TelemetrySink extends AutoCloseable {

  void write(TelemetryPoint point);

  /** Pushes buffered points out now (best effort; InfluxDB may still land them a little later). */
  void flush();

  /** What this sink is, for logs and {@code /api/v1/health}. */
  TimeseriesInfo info();

  /** Flushes and releases resources. */
  @Override
  void close();
}
