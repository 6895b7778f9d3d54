package io.testbed.orchestrator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.experiments.bundle.ResultBundle;
import io.testbed.orchestrator.actor.ExperimentManager;
import io.testbed.orchestrator.model.ExperimentView;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * The experiment routes under {@code /api/v1/experiments}: submit, list, status, cancel, a server-sent-events stream
 * of progress, and the result bundle's files. Mutating routes go through the bearer-token check of {@link ApiRoutes}.
 */
public final class ExperimentRoutes extends AllDirectives {
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Duration SSE_KEEP_ALIVE = Duration.ofSeconds(10);

  private final ActorRef<ExperimentManager.Command> manager;
  private final Scheduler scheduler;
  private final Duration askTimeout;
  private final Path experimentsDir;
  private final ObjectMapper mapper;
  private final Marshaller<Object, RequestEntity> json;
  private final Function<Supplier<Route>, Route> authorized;

  /**
   * @param experimentsDir root of the run folders, for bundles of runs this process no longer holds in memory
   * @param authorized wraps a mutating route in the bearer-token check
   */
  public ExperimentRoutes(
      ActorRef<ExperimentManager.Command> manager,
      Scheduler scheduler,
      Duration askTimeout,
      Path experimentsDir,
      ObjectMapper mapper,
      Function<Supplier<Route>, Route> authorized) {
    this.manager = manager;
    this.scheduler = scheduler;
    this.askTimeout = askTimeout;
    this.experimentsDir = experimentsDir;
    this.mapper = mapper;
    this.json = Jackson.marshaller(mapper);
    this.authorized = authorized;
  }

  public Route routes() {
    return pathPrefix("experiments", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            get(this::list),
            post(() -> authorized.apply(() -> entity(Unmarshaller.entityToString(), this::submit))))),
        pathPrefix(PathMatchers.segment(), runId -> concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> status(runId)),
                delete(() -> authorized.apply(() -> cancel(runId))))),
            path("cancel", () -> post(() -> authorized.apply(() -> cancel(runId)))),
            path("events", () -> get(() -> events(runId))),
            path("bundle", () -> get(() -> bundle(runId))),
            pathPrefix("files", () -> get(() -> extractUnmatchedPath(rest -> file(runId, rest))))))));
  }

  private Route list() {
    return onSuccess(ask(ExperimentManager.ListExperiments::new), e -> ok(e.experiments()));
  }

  private Route submit(String body) {
    return onSuccess(ask((ActorRef<ExperimentManager.SubmitReply> r) -> new ExperimentManager.Submit(body, r)), reply -> {
      if (reply instanceof ExperimentManager.Accepted a) {
        return respondWithHeader(RawHeader.create("Location", "/api/v1/experiments/" + a.experiment().runId()),
            () -> complete(StatusCodes.ACCEPTED, a.experiment(), json));
      }
      if (reply instanceof ExperimentManager.InvalidSpec i) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error", "invalid spec");
        b.put("problems", i.problems());
        return complete(StatusCodes.BAD_REQUEST, b, json);
      }
      if (reply instanceof ExperimentManager.Unresolvable u) {
        List<String> names = new ArrayList<>(u.devices());
        names.addAll(u.models());
        names.addAll(u.targets());
        Map<String, Object> unknown = new LinkedHashMap<>();
        unknown.put("devices", u.devices());
        unknown.put("models", u.models());
        unknown.put("targets", u.targets());
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error", names.isEmpty() ? "the fleet cannot run this spec: " + u.problems().get(0)
            : "the spec names devices, models or targets the fleet does not have: " + String.join(", ", names));
        b.put("unknown", unknown);
        b.put("problems", u.problems());
        return complete(StatusCodes.UNPROCESSABLE_ENTITY, b, json);
      }
      return error(StatusCodes.SERVICE_UNAVAILABLE, ((ExperimentManager.Unavailable) reply).message());
    });
  }

  private Route status(String runId) {
    return onSuccess(lookup(runId), l -> l instanceof ExperimentManager.Found f ? ok(f.experiment()) : unknownRun(runId));
  }

  private Route cancel(String runId) {
    return onSuccess(ask((ActorRef<ExperimentManager.Lookup> r) ->
        new ExperimentManager.CancelExperiment(runId, "cancelled over REST", r)), l -> {
      if (l instanceof ExperimentManager.Found f) return complete(StatusCodes.ACCEPTED, f.experiment(), json);
      if (l instanceof ExperimentManager.AlreadyEnded e) {
        return error(StatusCodes.CONFLICT, "run '" + runId + "' already " + e.experiment().status().wireName());
      }
      return unknownRun(runId);
    });
  }

  private Route events(String runId) {
    return extractMaterializer(mat -> {
      Pair<ActorRef<ExperimentManager.Update>, Source<ExperimentManager.Update, NotUsed>> source =
          ActorSource.<ExperimentManager.Update>actorRef(ExperimentManager.Update::end, u -> Optional.empty(), 256,
              OverflowStrategy.dropHead()).preMaterialize(mat);
      ActorRef<ExperimentManager.Update> subscriber = source.first();
      return onSuccess(ask((ActorRef<ExperimentManager.Lookup> r) ->
          new ExperimentManager.Subscribe(runId, subscriber, r)), l -> {
        if (!(l instanceof ExperimentManager.Found)) {
          subscriber.tell(new ExperimentManager.Update(null, true));
          return unknownRun(runId);
        }
        Source<ServerSentEvent, NotUsed> events = source.second()
            .filter(u -> u.view() != null)
            .map(u -> ServerSentEvent.create(toJson(u.view()), u.view().status().finished() ? u.view().status().wireName()
                : "progress"))
            .keepAlive(SSE_KEEP_ALIVE, ServerSentEvent::heartbeat);
        return completeOK(events, EventStreamMarshalling.toEventStream());
      });
    });
  }

  private Route bundle(String runId) {
    return withBundle(runId, dir -> {
      List<Map<String, Object>> files = new ArrayList<>();
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
          String name = dir.relativize(p).toString().replace('\\', '/');
          Map<String, Object> f = new LinkedHashMap<>();
          f.put("name", name);
          f.put("bytes", Files.size(p));
          f.put("contentType", contentType(name).toString());
          f.put("url", "/api/v1/experiments/" + runId + "/files/" + name);
          files.add(f);
        }
      } catch (IOException e) {
        return error(StatusCodes.INTERNAL_SERVER_ERROR, "cannot list the bundle of '" + runId + "': " + e.getMessage());
      }
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("runId", runId);
      b.put("bundle", dir.toString());
      b.put("files", files);
      return ok(b);
    });
  }

  private Route file(String runId, String rawRest) {
    String rest = rawRest.startsWith("/") ? rawRest.substring(1) : rawRest;
    String name;
    try {
      name = URLDecoder.decode(rest, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, "bad file name '" + rest + "'");
    }
    if (!FILE_NAME.matcher(name).matches() || Stream.of(name.split("/")).anyMatch(s -> s.equals("..") || s.equals("."))) {
      return error(StatusCodes.BAD_REQUEST, "bad file name '" + name + "': use a name from the bundle listing, e.g. "
          + ResultBundle.MLPERF_SUMMARY + " or " + ResultBundle.PLOTS + "/latency-cdf.png");
    }
    return withBundle(runId, dir -> {
      Path f = dir.resolve(name).normalize();
      if (!f.startsWith(dir)) return error(StatusCodes.BAD_REQUEST, "bad file name '" + name + "'");
      if (!Files.isRegularFile(f)) return error(StatusCodes.NOT_FOUND, "run '" + runId + "' has no file '" + name + "'");
      return getFromFile(f.toFile(), contentType(name));
    });
  }

  // --- helpers ------------------------------------------------------------------------------------------------

  /** The run folder of a run: from the manager, or from disk for a run of an earlier orchestrator process. */
  private Route withBundle(String runId, Function<Path, Route> inner) {
    return onSuccess(lookup(runId), l -> {
      if (l instanceof ExperimentManager.Found f) {
        if (f.experiment().bundle() == null) {
          return error(StatusCodes.CONFLICT, "run '" + runId + "' has no result bundle"
              + (f.experiment().status().finished() ? " (" + f.experiment().status().wireName() + " without one)"
                  : " yet (status " + f.experiment().status().wireName() + ")"));
        }
        return inner.apply(Path.of(f.experiment().bundle()).toAbsolutePath().normalize());
      }
      if (RUN_ID.matcher(runId).matches()) {
        Path dir = experimentsDir.resolve(runId).toAbsolutePath().normalize();
        if (dir.startsWith(experimentsDir.toAbsolutePath().normalize()) && Files.isRegularFile(dir.resolve(ResultBundle.SUMMARY))) {
          return inner.apply(dir);
        }
      }
      return unknownRun(runId);
    });
  }

  static ContentType contentType(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".png")) return ContentTypes.create(MediaTypes.IMAGE_PNG);
    if (n.endsWith(".json")) return ContentTypes.APPLICATION_JSON;
    if (n.endsWith(".csv")) return ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8);
    if (n.endsWith(".txt")) return ContentTypes.TEXT_PLAIN_UTF8;
    return ContentTypes.APPLICATION_OCTET_STREAM;
  }

  private CompletionStage<ExperimentManager.Lookup> lookup(String runId) {
    return ask((ActorRef<ExperimentManager.Lookup> r) -> new ExperimentManager.GetExperiment(runId, r));
  }

  private String toJson(Object o) {
    try {
      return mapper.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
    }
  }

  private Route unknownRun(String runId) {
    return error(StatusCodes.NOT_FOUND, "unknown experiment run '" + runId + "'");
  }

  private Route ok(Object body) {
    return complete(StatusCodes.OK, body, json);
  }

  private Route error(StatusCode status, String message) {
    return complete(status, Map.of("error", message), json);
  }

  private <R> CompletionStage<R> ask(Function<ActorRef<R>, ExperimentManager.Command> message) {
    return AskPattern.ask(manager, message::apply, askTimeout, scheduler);
  }
}
