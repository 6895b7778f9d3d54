package io.testbed.orchestrator.adapter.influx;

import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.port.TimeseriesInfo;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.influxdb.BatchOptions;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Query;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes points to InfluxDB 1.x with influxdb-java in batches (ns precision). The client's own background thread does the
 * writing; failed batches are logged and counted, never thrown at callers.
 */
public final class InfluxDbSink implements TelemetrySink {
  private static final Logger log = LoggerFactory.getLogger(InfluxDbSink.class);

  private final InfluxDB influx;
  private final TimeseriesInfo info;
  private final AtomicLong failedPoints = new AtomicLong();

  private InfluxDbSink(InfluxDB influx, TimeseriesInfo info) {
    this.influx = influx;
    this.info = info;
  }

  /** Connects, creates the database if missing and enables batching. Throws when InfluxDB refuses. */
  public static InfluxDbSink open(String url, OrchestratorSettings.Influx s) {
    InfluxDB influx = s.username().isPresent()
        ? InfluxDBFactory.connect(url, s.username().get(), s.password().orElse(""))
        : InfluxDBFactory.connect(url);
    try {
      influx.query(new Query("CREATE DATABASE \"" + s.database().replace("\"", "\\\"") + "\""));
      influx.setDatabase(s.database());
      InfluxDbSink sink = new InfluxDbSink(influx, TimeseriesInfo.influx(url, s.database()));
      influx.enableBatch(
          BatchOptions.DEFAULTS
              .actions(s.batchSize())
              .flushDuration((int) s.flushInterval().toMillis())
              .precision(TimeUnit.NANOSECONDS)
              .threadFactory(r -> {
                Thread t = new Thread(r, "influxdb-batch-writer");
                t.setDaemon(true);
                return t;
              })
              .exceptionHandler((points, e) -> {
                long n = 0;
                for (Object ignored : points) n++;
                sink.failedPoints.addAndGet(n);
                log.warn("InfluxDB rejected a batch of {} points: {}", n, e.toString());
              }));
      return sink;
    } catch (RuntimeException e) {
      influx.close();
      throw e;
    }
  }

  @Override
  public void write(TelemetryPoint point) {
    influx.write(Points.toInflux(point));
  }

  @Override
  public void flush() {
    influx.flush();
  }

  @Override
  public TimeseriesInfo info() {
    return info;
  }

  public long failedPoints() {
    return failedPoints.get();
  }

  @Override
  public void close() {
    try {
      influx.flush();
    } catch (RuntimeException e) {
      log.warn("final InfluxDB flush failed: {}", e.toString());
    }
    influx.close();
  }
}
