package io.testbed.experiments.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.testbed.experiments.spec.SpecProblem;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Client of the orchestrator's experiment REST API ({@code /api/v1/experiments}, documented in the orchestrator README):
 * submit a spec, follow a run's server-sent events, read its status, bundle and files, cancel it. java.net.http +
 * Jackson; thread-safe.
 */
public final class TestbedClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** An answer that is not what the call expects: HTTP status and the server's {@code error} message. */
  public static final class ApiException extends IOException {
    private final int status;
    private final JsonNode body;

    public ApiException(int status, String message, JsonNode body) {
      super(message);
      this.status = status;
      this.body = body;
    }

    public int status() { return status; }

    public JsonNode body() { return body; }
  }

  /** Outcome of {@link #submit}. */
  public sealed interface Submission {}

  /** 202: the run id and the run's first view. */
  public record Submitted(String runId, JsonNode view) implements Submission {}

  /** 400 (invalid spec), 422 (unknown devices/models/targets) or another refusal; {@code unknown} is null unless 422. */
  public record Refused(int status, String error, List<SpecProblem> problems, JsonNode unknown) implements Submission {}

  /** One server-sent event: {@code progress}, or the final {@code completed} / {@code failed} / {@code cancelled}. */
  public record Event(String type, JsonNode data) {
    public boolean last() { return type.equals("completed") || type.equals("failed") || type.equals("cancelled"); }
  }

  private final String base;
  private final String token;
  private final HttpClient http;

  /**
   * @param url orchestrator base URL, e.g. {@code http://127.0.0.1:8080}
   * @param token bearer token for mutating routes; null when none is configured
   */
  public TestbedClient(String url, String token) {
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.token = token == null || token.isBlank() ? null : token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  public String baseUrl() { return base; }

  public Submission submit(String specJson) throws IOException, InterruptedException {
    HttpResponse<String> r = send(request("/api/v1/experiments").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(specJson)), true);
    JsonNode body = parse(r.body());
    if (r.statusCode() == 202) return new Submitted(body.path("runId").asText(), body);
    List<SpecProblem> problems = new ArrayList<>();
    for (JsonNode p : body.path("problems")) problems.add(new SpecProblem(p.path("path").asText(), p.path("message").asText()));
    return new Refused(r.statusCode(), body.path("error").asText("HTTP " + r.statusCode()), problems,
        body.has("unknown") ? body.get("unknown") : null);
  }

  /** The run's status view ({@code GET /api/v1/experiments/{runId}}), with its summary once done. */
  public JsonNode status(String runId) throws IOException, InterruptedException {
    return expect(200, send(request(run(runId)).GET(), false));
  }

  public JsonNode list() throws IOException, InterruptedException {
    return expect(200, send(request("/api/v1/experiments").GET(), false));
  }

  /** Requests cancellation; answers the run's view. */
  public JsonNode cancel(String runId) throws IOException, InterruptedException {
    return expect(202, send(request(run(runId)).DELETE(), true));
  }

  /** The bundle listing: {@code {runId, bundle, files: [{name, bytes, contentType, url}]}}. */
  public JsonNode bundle(String runId) throws IOException, InterruptedException {
    return expect(200, send(request(run(runId) + "/bundle").GET(), false));
  }

  /** One bundle file, e.g. {@code mlperf_log_summary.txt} or {@code plots/latency-cdf.png}. */
  public byte[] file(String runId, String name) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request(run(runId) + "/files/" + name).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      JsonNode body = parse(new String(r.body(), StandardCharsets.UTF_8));
      throw new ApiException(r.statusCode(), body.path("error").asText("HTTP " + r.statusCode()), body);
    }
    return r.body();
  }

  /**
   * Follows the run's server-sent events until the server ends the stream (after the final event), handing each event
   * to {@code onEvent}; returns the last event (null if none came).
   */
  public Event follow(String runId, Consumer<Event> onEvent) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + run(runId) + "/events"))
        .header("Accept", "text/event-stream").GET().build();
    HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() != 200) {
      String text;
      try (Stream<String> lines = r.body()) {
        text = String.join("\n", lines.toList());
      }
      JsonNode body = parse(text);
      throw new ApiException(r.statusCode(), body.path("error").asText("HTTP " + r.statusCode()), body);
    }
    Event last = null;
    String type = null;
    StringBuilder data = new StringBuilder();
    try (Stream<String> lines = r.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            last = new Event(type == null ? "message" : type, parse(data.toString()));
            onEvent.accept(last);
          }
          type = null;
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          type = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) data.append('\n');
          data.append(line.substring(5).stripLeading());
        }
      }
    }
    if (data.length() > 0) {
      last = new Event(type == null ? "message" : type, parse(data.toString()));
      onEvent.accept(last);
    }
    return last;
  }

  private static String run(String runId) {
    return "/api/v1/experiments/" + URLEncoder.encode(runId, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT);
  }

  private HttpResponse<String> send(HttpRequest.Builder b, boolean mutating) throws IOException, InterruptedException {
    if (mutating && token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode expect(int status, HttpResponse<String> r) throws ApiException {
    JsonNode body = parse(r.body());
    if (r.statusCode() != status) throw new ApiException(r.statusCode(), body.path("error").asText("HTTP " + r.statusCode()), body);
    return body;
  }

  private static JsonNode parse(String text) {
    if (text == null || text.isBlank()) return MissingNode.getInstance();
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode().put("error", text.length() > 300 ? text.substring(0, 300) : text);
    }
  }
}
