package io.testbed.orchestrator.adapter.influx;

import io.testbed.orchestrator.config.OrchestratorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the time-series destination at start: InfluxDB when configured and answering {@code /ping}, else files. */
public final class TimeseriesSinks {
  private static final Logger log = LoggerFactory.getLogger(TimeseriesSinks.class);

  private TimeseriesSinks() {}

  public static RecentWindowSink choose(OrchestratorSettings settings, Clock clock) {
    OrchestratorSettings.Influx influx = settings.influx();
    if (influx.url().isPresent()) {
      String url = influx.url().get();
      String problem = ping(url, influx);
      if (problem == null) {
        try {
          InfluxDbSink sink = InfluxDbSink.open(url, influx);
          log.info("Time series go to InfluxDB at {} (database {})", url, influx.database());
          return new RecentWindowSink(sink, settings.telemetryWindowPoints());
        } catch (RuntimeException e) {
          problem = e.toString();
        }
      }
      log.warn("InfluxDB at {} is not usable ({}); falling back to line-protocol files", url, problem);
    }
    LineProtocolFileSink files =
        LineProtocolFileSink.open(settings.dataDir(), influx.database(), clock.instant(), settings.lineProtocolFlushInterval());
    log.info("Time series go to line-protocol files: {} (import with: influx -import -path={} -precision=ns)",
        files.file(), files.file());
    return new RecentWindowSink(files, settings.telemetryWindowPoints());
  }

  /** Null when InfluxDB answers its ping, else the reason. */
  static String ping(String url, OrchestratorSettings.Influx influx) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(influx.pingTimeout()).build();
      HttpRequest req = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/ping"))
          .timeout(influx.pingTimeout()).GET().build();
      int status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status / 100 == 2 ? null : "ping answered HTTP " + status;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (Exception e) {
      return "ping failed: " + e;
    }
  }
}
