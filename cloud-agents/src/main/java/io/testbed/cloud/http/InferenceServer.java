package io.testbed.cloud.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.rec.RecApi;
import io.testbed.cloud.rec.RecServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pekko HTTP inference server for offloaded requests: binds {@link InferenceRoutes} on the configured host and
 * port (0 = a free one) in its own actor system and reports the bound URL. Inference itself runs on the
 * {@link InferenceService}'s bounded pool, never on Pekko's dispatcher.
 */
public final class InferenceServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceServer.class);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final InferenceService service;
  private final RecServer rec;
  private final String url;

  private InferenceServer(ActorSystem<Void> system, ServerBinding binding, InferenceService service, RecServer rec, String url) {
    this.system = system;
    this.binding = binding;
    this.service = service;
    this.rec = rec;
    this.url = url;
  }

  /** Binds the server; throws IllegalStateException naming the address when it cannot. The service is closed with the server. */
  public static InferenceServer start(CloudSettings s, InferenceService service) { return start(s, service, null); }

  /**
   * Binds the server with the recommendation routes of {@code rec} (null: none) on the same port; the service and the
   * recommendation server are closed with it (also when binding fails).
   */
  public static InferenceServer start(CloudSettings s, InferenceService service, RecServer rec) {
    Config pekko = ConfigFactory.parseMap(Map.of(
        "pekko.loggers", java.util.List.of("org.apache.pekko.event.slf4j.Slf4jLogger"),
        "pekko.logging-filter", "org.apache.pekko.event.slf4j.Slf4jLoggingFilter",
        "pekko.loglevel", "INFO",
        "pekko.http.server.parsing.max-content-length", Long.toString(s.maxBodyBytes()),
        "pekko.http.server.request-timeout", s.requestTimeout().toMillis() + "ms",
        "pekko.http.server.idle-timeout", Math.max(60_000, s.requestTimeout().toMillis() * 2) + "ms",
        "pekko.coordinated-shutdown.exit-jvm", "off",
        "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"))
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "inference-server", pekko);
    try {
      ServerBinding binding = Http.get(system).newServerAt(s.httpHost(), s.httpPort())
          .bind(new InferenceRoutes(service, s.maxBodyBytes(), rec == null ? null : new RecRoutes(new RecApi(rec), s.maxBodyBytes())).routes())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      InetSocketAddress a = binding.localAddress();
      String url = "http://" + hostForUrl(s.endpointHost()) + ":" + a.getPort();
      LOG.info("inference server listening on {} (bound {}:{}), models {}", url, s.httpHost(), a.getPort(), service.models());
      return new InferenceServer(system, binding, service, rec, url);
    } catch (Exception e) {
      system.terminate();
      service.close();
      if (rec != null) rec.close();
      Throwable cause = e instanceof java.util.concurrent.ExecutionException || e instanceof CompletionException ? e.getCause() : e;
      throw new IllegalStateException("cannot bind inference server on " + s.httpHost() + ":" + s.httpPort() + ": " + cause, cause);
    }
  }

  private static String hostForUrl(String host) { return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host; }

  /** Base URL, e.g. {@code http://127.0.0.1:38211}; the offload endpoint is this plus {@code /v1/infer}. */
  public String url() { return url; }

  public int port() { return binding.localAddress().getPort(); }

  public InferenceService service() { return service; }

  /** The recommendation server behind {@code /v1/rec}, if any. */
  public java.util.Optional<RecServer> rec() { return java.util.Optional.ofNullable(rec); }

  @Override
  public void close() {
    try {
      binding.terminate(Duration.ofSeconds(3)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("unbind: {}", e.toString());
    }
    service.close();
    if (rec != null) rec.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("actor system termination: {}", e.toString());
    }
    LOG.info("inference server {} stopped", url);
  }
}
