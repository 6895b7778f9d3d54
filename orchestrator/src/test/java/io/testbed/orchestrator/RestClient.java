package io.testbed.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Test-side REST client on java.net.http: every answer parsed as JSON. */
public final class RestClient {
  /** A response: status, parsed JSON body, Location header if any. */
  public record Answer(int status, JsonNode json, Optional<String> location, String raw) {
    public String error() {
      return json.path("error").asText();
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public RestClient(String restUrl) {
    this.base = restUrl;
  }

  public Answer get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Answer post(String path, String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return send(b);
  }

  public Answer delete(String path) throws Exception {
    return delete(path, null);
  }

  public Answer delete(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).DELETE();
    if (token != null) b.header("Authorization", "Bearer " + token);
    return send(b);
  }

  /** A raw GET: status, content type and bytes (for files). */
  public record Raw(int status, String contentType, byte[] body) {}

  public Raw raw(String path) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15)).GET()
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Raw(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  /** Reads a server-sent-events stream until the server ends it (or {@code limit} passes): every line, in order. */
  public java.util.List<String> sse(String path, Duration limit) throws Exception {
    HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Accept", "text/event-stream").timeout(limit).GET().build(), HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() != 200) throw new IllegalStateException("SSE answered " + r.statusCode());
    try (java.util.stream.Stream<String> lines = r.body()) {
      return lines.toList();
    }
  }

  private Answer send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = r.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(r.body());
    return new Answer(r.statusCode(), json, r.headers().firstValue("Location"), r.body());
  }
}
