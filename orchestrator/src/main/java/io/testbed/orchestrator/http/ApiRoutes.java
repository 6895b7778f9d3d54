package io.testbed.orchestrator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.testbed.orchestrator.actor.DeviceRegistry;
import io.testbed.orchestrator.actor.ExperimentManager;
import io.testbed.orchestrator.actor.JobManager;
import io.testbed.orchestrator.actor.MqttConnection;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.model.JobRequest;
import io.testbed.orchestrator.port.TimeseriesInfo;
import io.testbed.protocol.WireCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /api/v1}: health, devices, jobs, experiments ({@link ExperimentRoutes}). GETs are open;
 * mutating routes need
 * {@code Authorization: Bearer <token>} when a token is configured. Every error body is {@code {"error": "..."}}.
 */
public final class ApiRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

  /** What the routes need to know besides the actors. */
  public record Settings(Optional<String> apiToken, Duration askTimeout, int maxJobCount, java.nio.file.Path experimentsDir) {}

  /** Static facts for {@code /health}: which broker and which time-series destination this orchestrator uses. */
  public record HealthInfo(boolean brokerEmbedded, String brokerUrl, TimeseriesInfo timeseries) {}

  private final ActorRef<DeviceRegistry.Command> registry;
  private final ActorRef<JobManager.Command> jobs;
  private final Scheduler scheduler;
  private final Settings settings;
  private final HealthInfo health;
  private final ObjectMapper mapper;
  private final Marshaller<Object, RequestEntity> json;
  private final JobRequestParser parser;
  private final ExperimentRoutes experiments;

  public ApiRoutes(
      ActorRef<DeviceRegistry.Command> registry,
      ActorRef<JobManager.Command> jobs,
      ActorRef<ExperimentManager.Command> experiments,
      Scheduler scheduler,
      Settings settings,
      HealthInfo health) {
    this.registry = registry;
    this.jobs = jobs;
    this.scheduler = scheduler;
    this.settings = settings;
    this.health = health;
    this.mapper = WireCodec.mapper().copy().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    this.json = Jackson.marshaller(mapper);
    this.parser = new JobRequestParser(mapper, settings.maxJobCount());
    this.experiments = new ExperimentRoutes(experiments, scheduler, settings.askTimeout(), settings.experimentsDir(), mapper,
        this::authorized);
  }

  /** The whole API, sealed with JSON error bodies for rejections and exceptions. */
  public Route routes() {
    return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () ->
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            path("health", () -> get(this::health)),
            pathPrefix("devices", () -> concat(
                pathEndOrSingleSlash(() -> get(this::listDevices)),
                path(PathMatchers.segment(), id -> get(() -> device(id))))),
            pathPrefix("jobs", () -> concat(
                pathEndOrSingleSlash(() -> concat(
                    get(this::listJobs),
                    post(() -> authorized(() -> entity(Unmarshaller.entityToString(), this::submit))))),
                path(PathMatchers.segment(), id -> get(() -> job(id))))),
            experiments.routes(),
            new MeterRoutes(registry, scheduler, settings.askTimeout(), mapper, json, this::authorized).routes(),
            new AutoScaleRoutes(settings.experimentsDir().resolveSibling("qtables"), mapper).routes()))))).seal(rejectionHandler(), exceptionHandler());
  }

  // --- routes -------------------------------------------------------------------------------------------------

  private Route health() {
    CompletionStage<DeviceRegistry.Devices> devices = ask(registry, DeviceRegistry.GetDevices::new);
    CompletionStage<MqttConnection.ConnectionStatus> mqtt = ask(registry, DeviceRegistry.GetConnectionStatus::new);
    return onSuccess(devices.thenCombine(mqtt, (d, c) -> {
      Map<String, Object> broker = new LinkedHashMap<>();
      broker.put("embedded", health.brokerEmbedded());
      broker.put("url", health.brokerUrl());
      broker.put("connected", c.connected());
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("total", d.devices().size());
      counts.put("online", d.devices().stream().filter(DeviceView::online).count());
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", c.connected() ? "ok" : "degraded");
      body.put("broker", broker);
      body.put("timeseries", health.timeseries());
      body.put("devices", counts);
      return body;
    }), body -> ok(body));
  }

  private Route listDevices() {
    return onSuccess(ask(registry, DeviceRegistry.GetDevices::new), d -> ok(d.devices()));
  }

  private Route device(String id) {
    return onSuccess(ask(registry, (ActorRef<DeviceRegistry.DeviceLookup> r) -> new DeviceRegistry.GetDevice(id, r)),
        lookup -> lookup instanceof DeviceRegistry.DeviceFound f ? ok(f.device())
            : error(StatusCodes.NOT_FOUND, "unknown device '" + id + "'"));
  }

  private Route listJobs() {
    return onSuccess(ask(jobs, JobManager.GetJobs::new), j -> ok(j.jobs()));
  }

  private Route job(String id) {
    return onSuccess(ask(jobs, (ActorRef<JobManager.JobLookup> r) -> new JobManager.GetJob(id, r)),
        lookup -> lookup instanceof JobManager.JobFound f ? ok(f.job())
            : error(StatusCodes.NOT_FOUND, "unknown job '" + id + "'"));
  }

  private Route submit(String body) {
    JobRequest request;
    try {
      request = parser.parse(body);
    } catch (JobRequestParser.InvalidRequest e) {
      return error(StatusCodes.BAD_REQUEST, e.getMessage());
    }
    return onSuccess(ask(jobs, (ActorRef<JobManager.SubmitReply> r) -> new JobManager.Submit(request, r)), reply -> {
      if (reply instanceof JobManager.Accepted a) {
        return respondWithHeader(RawHeader.create("Location", "/api/v1/jobs/" + a.job().jobId()),
            () -> complete(StatusCodes.ACCEPTED, a.job(), json));
      }
      JobManager.Rejected r = (JobManager.Rejected) reply;
      StatusCode status = switch (r.kind()) {
        case UNKNOWN_DEVICE -> StatusCodes.NOT_FOUND;
        case DEVICE_OFFLINE, LEASED -> StatusCodes.CONFLICT;
        case UNPROCESSABLE -> StatusCodes.UNPROCESSABLE_ENTITY;
        case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
      };
      return error(status, r.message());
    });
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  private Route authorized(Supplier<Route> inner) {
    if (settings.apiToken().isEmpty()) return inner.get();
    byte[] expected = ("Bearer " + settings.apiToken().get()).getBytes(StandardCharsets.UTF_8);
    return optionalHeaderValueByName("Authorization", header -> {
      if (header.isEmpty()) return unauthorized("missing Authorization header: this route needs 'Authorization: Bearer <token>'");
      if (!MessageDigest.isEqual(expected, header.get().trim().getBytes(StandardCharsets.UTF_8))) {
        return unauthorized("wrong bearer token in the Authorization header");
      }
      return inner.get();
    });
  }

  private Route unauthorized(String message) {
    return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"testbed\""),
        () -> error(StatusCodes.UNAUTHORIZED, message));
  }

  private Route ok(Object body) {
    return complete(StatusCodes.OK, body, json);
  }

  private Route error(StatusCode status, String message) {
    return complete(status, Map.of("error", message), json);
  }

  private <T, R> CompletionStage<R> ask(ActorRef<T> target, java.util.function.Function<ActorRef<R>, T> message) {
    return AskPattern.ask(target, message::apply, settings.askTimeout(), scheduler);
  }

  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(AskTimeoutException.class, e -> error(StatusCodes.SERVICE_UNAVAILABLE, "the orchestrator did not answer in time"))
        .match(TimeoutException.class, e -> error(StatusCodes.SERVICE_UNAVAILABLE, "the orchestrator did not answer in time"))
        .matchAny(e -> {
          log.error("Unexpected failure in a REST route", e);
          return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + e);
        })
        .build();
  }

  /** Pekko's default rejection handling (404, 405, 415...), with the plain-text message turned into an error JSON. */
  private RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
      if (response.entity() instanceof HttpEntity.Strict strict
          && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
        String message = strict.getData().utf8String();
        try {
          byte[] body = mapper.writeValueAsBytes(Map.of("error", message));
          return response.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
        } catch (Exception e) {
          return response;
        }
      }
      return response;
    });
  }
}
