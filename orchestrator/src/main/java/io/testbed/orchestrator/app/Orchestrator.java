package io.testbed.orchestrator.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.adapter.broker.EmbeddedBroker;
import io.testbed.orchestrator.adapter.influx.RecentWindowSink;
import io.testbed.orchestrator.adapter.influx.TimeseriesSinks;
import io.testbed.orchestrator.adapter.mqtt.PahoMqttPort;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.http.ApiRoutes;
import io.testbed.orchestrator.http.WebRoutes;
import io.testbed.protocol.WireCodec;
import io.testbed.orchestrator.port.MqttPort;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the orchestrator in-process: embedded broker (unless external), time-series sink, actors, REST API. */
public final class Orchestrator {
  private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private Orchestrator() {}

  /**
   * Starts from a config holding {@code testbed.orchestrator} overrides (anything missing comes from
   * {@code reference.conf}). Throws {@link IllegalArgumentException} for bad settings and {@link IllegalStateException}
   * when a part cannot start (port in use...), after stopping what had started.
   */
  public static RunningOrchestrator start(Config config) {
    Config full = config.withFallback(ConfigFactory.load()).resolve();
    OrchestratorSettings settings = OrchestratorSettings.fromConfig(full);
    Clock clock = Clock.systemUTC();

    EmbeddedBroker broker = settings.embeddedBroker().enabled() ? EmbeddedBroker.start(settings.embeddedBroker()) : null;
    String brokerUrl = broker != null ? broker.url() : settings.mqtt().url();
    RecentWindowSink sink;
    try {
      sink = TimeseriesSinks.choose(settings, clock);
    } catch (RuntimeException e) {
      if (broker != null) broker.close();
      throw new IllegalStateException("cannot open the time-series sink: " + e.getMessage(), e);
    }

    AtomicReference<MqttPort> port = new AtomicReference<>();
    CompletableFuture<Guardian.Wiring> ready = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(
        Guardian.create(settings, executor -> {
          MqttPort p = new PahoMqttPort(brokerUrl, settings.mqtt(), executor);
          port.set(p);
          return p;
        }, sink, clock, ready),
        "testbed-orchestrator",
        full);

    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "stop-io", () ->
        CompletableFuture.supplyAsync(() -> {
          MqttPort p = port.get();
          if (p != null) p.disconnect().toCompletableFuture().join();
          sink.close();
          if (broker != null) broker.close();
          log.info("Orchestrator stopped");
          return Done.getInstance();
        }));

    try {
      Guardian.Wiring wiring = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      ApiRoutes routes = new ApiRoutes(wiring.registry(), wiring.jobs(), wiring.experiments(), system.scheduler(),
          new ApiRoutes.Settings(settings.apiToken(), settings.askTimeout(), settings.job().maxCount(),
              settings.experimentsDir()),
          new ApiRoutes.HealthInfo(broker != null, brokerUrl, sink.info()));
      ServerBinding binding;
      try {
        binding = Http.get(system).newServerAt(settings.http().host(), settings.http().port()).bind(
                new WebRoutes(sink, WireCodec.mapper()).routes().orElse(routes.routes()))
            .toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("REST API cannot listen on " + settings.http().host() + ":" + settings.http().port()
            + ": " + rootMessage(e), e);
      }
      binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      String restUrl = "http://" + settings.http().host() + ":" + binding.localAddress().getPort();
      log.info("Orchestrator up: REST {} (API under /api/v1), MQTT {} ({}), time series: {}{}", restUrl, brokerUrl,
          broker != null ? "embedded" : "external", sink.info(),
          settings.apiToken().isPresent() ? ", bearer token required on mutating routes" : "");
      return new RunningOrchestrator(system, restUrl, brokerUrl, broker != null, sink, wiring);
    } catch (Exception e) {
      CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().join();
      if (e instanceof IllegalStateException ise) throw ise;
      throw new IllegalStateException("orchestrator did not start: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
