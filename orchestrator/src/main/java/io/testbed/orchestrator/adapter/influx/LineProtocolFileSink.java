package io.testbed.orchestrator.adapter.influx;

import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetrySink;
import io.testbed.orchestrator.port.TimeseriesInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes points as InfluxDB line protocol to {@code <data-dir>/timeseries-<utc-start>.lp}, with the header that
 * {@code influx -import -path=FILE -precision=ns} expects. Points queue in memory; one thread appends and flushes them
 * every flush interval.
 */
public final class LineProtocolFileSink implements TelemetrySink {
  private static final Logger log = LoggerFactory.getLogger(LineProtocolFileSink.class);
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Path file;
  private final BufferedWriter out;
  private final ConcurrentLinkedQueue<TelemetryPoint> queue = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService writer;

  private LineProtocolFileSink(Path file, BufferedWriter out, Duration flushInterval) {
    this.file = file;
    this.out = out;
    this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "line-protocol-writer");
      t.setDaemon(true);
      return t;
    });
    long ms = flushInterval.toMillis();
    writer.scheduleWithFixedDelay(this::drain, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Creates the file (and the data dir) now, named after the start time in UTC. */
  public static LineProtocolFileSink open(Path dataDir, String database, Instant start, Duration flushInterval) {
    try {
      Files.createDirectories(dataDir);
      Path file = dataDir.resolve("timeseries-" + FILE_TIME.format(start) + ".lp").toAbsolutePath();
      BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      out.write("# DML\n# CONTEXT-DATABASE: " + database + "\n");
      out.flush();
      return new LineProtocolFileSink(file, out, flushInterval);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a line-protocol file under " + dataDir, e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void write(TelemetryPoint point) {
    queue.add(point);
  }

  @Override
  public void flush() {
    try {
      writer.submit(this::drain).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("line-protocol flush did not finish: {}", e.toString());
    }
  }

  private synchronized void drain() {
    try {
      TelemetryPoint p;
      boolean any = false;
      while ((p = queue.poll()) != null) {
        out.write(Points.lineProtocol(p));
        out.write('\n');
        any = true;
      }
      if (any) out.flush();
    } catch (IOException | RuntimeException e) {
      log.warn("writing line protocol to {} failed: {}", file, e.toString());
    }
  }

  @Override
  public TimeseriesInfo info() {
    return TimeseriesInfo.files(file.toString());
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain();
    try {
      out.close();
    } catch (IOException e) {
      log.warn("closing {} failed: {}", file, e.toString());
    }
  }
}
