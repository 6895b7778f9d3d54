package io.testbed.orchestrator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.testbed.orchestrator.port.TelemetryPoint;
import io.testbed.orchestrator.port.TelemetryWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The built-in web page (assets from the {@code dashboards} module, uPlot from its WebJar), the live telemetry stream it
 * charts (server-sent events of the points written to the time series), and the export of a run's series.
 */
public final class WebRoutes extends AllDirectives {
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(10);
  /** The live page charts these; the rest stays in InfluxDB. */
  private static final Set<String> LIVE = Set.of("power", "heartbeat", "inference", "decision", "experiment_event");

  private final TelemetryWindow window;
  private final ObjectMapper mapper;

  public WebRoutes(TelemetryWindow window, ObjectMapper mapper) {
    this.window = window;
    this.mapper = mapper;
  }

  public Route routes() {
    return concat(
        pathSingleSlash(() -> get(() -> getFromResource("io/testbed/web/index.html", ContentTypes.TEXT_HTML_UTF8))),
        pathPrefix("ui", () -> get(() -> getFromResourceDirectory("io/testbed/web"))),
        pathPrefix("webjars", () -> get(() -> getFromResourceDirectory("META-INF/resources/webjars"))),
        pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            pathPrefix("telemetry", () -> concat(
                path("stream", () -> get(this::stream)),
                path("recent", () -> get(() -> parameterOptional("limit", limit -> recent(limit.map(Integer::parseInt).orElse(2000))))))),
            pathPrefix("runs", () -> path(PathMatchers.segment().slash(PathMatchers.segment()),
                (run, file) -> get(() -> export(run, file))))))));
  }

  private Route stream() {
    Source<ServerSentEvent, NotUsed> events = Source.tick(Duration.ZERO, POLL, "tick")
        .mapMaterializedValue(c -> NotUsed.getInstance())
        .statefulMapConcat(() -> {
          long[] next = {window.since(Long.MAX_VALUE).next()};   // only what happens from now on
          return tick -> {
            TelemetryWindow.Batch b = window.since(next[0]);
            next[0] = b.next();
            List<ServerSentEvent> out = new ArrayList<>();
            for (TelemetryPoint p : b.points()) if (LIVE.contains(p.measurement())) out.add(ServerSentEvent.create(json(p), "point"));
            return out;
          };
        })
        .keepAlive(KEEP_ALIVE, ServerSentEvent::heartbeat);
    return completeOK(events, EventStreamMarshalling.toEventStream());
  }

  private Route recent(int limit) {
    if (limit < 1 || limit > 100_000) return badRequest("limit must be in [1, 100000], was " + limit);
    List<TelemetryPoint> all = window.recent().stream().filter(p -> LIVE.contains(p.measurement())).toList();
    List<TelemetryPoint> tail = all.subList(Math.max(0, all.size() - limit), all.size());
    return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json(tail))));
  }

  /** {@code series.csv} / {@code series.lp} of a run: every point the orchestrator wrote with that run tag. */
  private Route export(String run, String file) {
    if (!file.equals("series.csv") && !file.equals("series.lp")) {
      return notFound("no export '" + file + "' (available: series.csv, series.lp)");
    }
    List<TelemetryPoint> points = window.run(run);
    if (points.isEmpty()) return notFound("no series kept for run '" + run + "' (unknown, or older than the last 100 runs)");
    if (file.equals("series.lp")) {
      StringBuilder sb = new StringBuilder();
      for (TelemetryPoint p : points) sb.append(window.lineProtocol(p)).append('\n');
      return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, sb.toString())));
    }
    return complete(HttpResponse.create().withEntity(
        HttpEntities.create(org.apache.pekko.http.javadsl.model.ContentTypes.create(
            org.apache.pekko.http.javadsl.model.MediaTypes.TEXT_CSV, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8), csv(points))));
  }

  private Route notFound(String message) {
    return complete(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json(Map.of("error", message)))));
  }

  private Route badRequest(String message) {
    return complete(HttpResponse.create().withStatus(StatusCodes.BAD_REQUEST)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json(Map.of("error", message)))));
  }

  private String json(Object o) {
    try {
      return mapper.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
    }
  }

  /** A run's points as CSV: one row per point, columns measurement, timestampNs, then every tag and field key. */
  static String csv(List<TelemetryPoint> points) {
    Set<String> tags = new TreeSet<>();
    Set<String> fields = new TreeSet<>();
    for (TelemetryPoint p : points) {
      tags.addAll(p.tags().keySet());
      fields.addAll(p.fields().keySet());
      fields.addAll(p.textFields().keySet());
    }
    StringBuilder sb = new StringBuilder("measurement,timestampNs");
    tags.forEach(t -> sb.append(',').append(t));
    fields.forEach(f -> sb.append(',').append(f));
    sb.append('\n');
    for (TelemetryPoint p : points) {
      sb.append(cell(p.measurement())).append(',').append(p.timestampNs());
      for (String t : tags) sb.append(',').append(cell(p.tags().get(t)));
      for (String f : fields) {
        Object v = p.fields().containsKey(f) ? p.fields().get(f) : p.textFields().get(f);
        sb.append(',').append(v == null ? "" : cell(v.toString()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String cell(String s) {
    if (s == null) return "";
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
