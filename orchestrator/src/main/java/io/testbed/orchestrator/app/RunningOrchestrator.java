package io.testbed.orchestrator.app;

import io.testbed.orchestrator.adapter.influx.RecentWindowSink;
import io.testbed.orchestrator.port.TimeseriesInfo;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/** A started orchestrator: where its REST API and broker are, where time series go, and how to stop it. */
public final class RunningOrchestrator {
  private final ActorSystem<Void> system;
  private final String restUrl;
  private final String brokerUrl;
  private final boolean brokerEmbedded;
  private final RecentWindowSink telemetry;
  private final Guardian.Wiring wiring;

  RunningOrchestrator(
      ActorSystem<Void> system,
      String restUrl,
      String brokerUrl,
      boolean brokerEmbedded,
      RecentWindowSink telemetry,
      Guardian.Wiring wiring) {
    this.system = system;
    this.restUrl = restUrl;
    this.brokerUrl = brokerUrl;
    this.brokerEmbedded = brokerEmbedded;
    this.telemetry = telemetry;
    this.wiring = wiring;
  }

  /** Base URL of the REST API, e.g. {@code http://127.0.0.1:8080} (routes live under {@code /api/v1}). */
  public String restUrl() {
    return restUrl;
  }

  /** URL of the MQTT broker in use (the embedded one, or the external one configured). */
  public String brokerUrl() {
    return brokerUrl;
  }

  public boolean brokerEmbedded() {
    return brokerEmbedded;
  }

  /** Where time series go: InfluxDB (URL) or line-protocol files (path). */
  public TimeseriesInfo timeseries() {
    return telemetry.info();
  }

  /** One line for logs and the launcher, e.g. {@code influxdb at http://...} or {@code line-protocol-files at /...}. */
  public String timeseriesDescription() {
    return telemetry.info().toString();
  }

  /** The most recent telemetry points in memory (for the web page). */
  public RecentWindowSink telemetryWindow() {
    return telemetry;
  }

  public Guardian.Wiring actors() {
    return wiring;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** Stops everything through CoordinatedShutdown: unbinds HTTP, flushes the sink, disconnects, stops the broker. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }
}
