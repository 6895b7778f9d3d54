package io.testbed.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Small client of the orchestrator's REST API (/api/v1), as a lab script would use it. */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;
  private final String token;

  public ApiClient(String restUrl, String token) {
    this.base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
    this.token = token == null ? "" : token;
  }

  /** Failure of a REST call: status and the server's error text. */
  public static final class ApiException extends RuntimeException {
    public final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  public JsonNode health() { return get("/api/v1/health"); }

  public JsonNode devices() { return get("/api/v1/devices"); }

  public JsonNode device(String id) { return get("/api/v1/devices/" + id); }

  public JsonNode submitJob(Map<String, Object> job) { return post("/api/v1/jobs", job); }

  public JsonNode job(String id) { return get("/api/v1/jobs/" + id); }

  /** Polls a job until it is no longer running. */
  public JsonNode awaitJob(String id, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode job = job(id);
      if (!"running".equals(job.path("status").asText())) return job;
      if (System.nanoTime() > deadline) throw new ApiException(0, "job " + id + " still running after " + timeout);
      Thread.sleep(100);
    }
  }

  public JsonNode get(String path) { return send(HttpRequest.newBuilder(URI.create(base + path)).GET()); }

  public JsonNode post(String path, Object body) {
    try {
      return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    } catch (IOException e) {
      throw new ApiException(0, "cannot encode request: " + e.getMessage());
    }
  }

  private JsonNode send(HttpRequest.Builder b) {
    if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
    try {
      HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
      if (r.statusCode() >= 400) {
        throw new ApiException(r.statusCode(), r.statusCode() + " " + body.path("error").asText(r.body()));
      }
      return body;
    } catch (IOException e) {
      throw new ApiException(0, "cannot reach " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted");
    }
  }
}
