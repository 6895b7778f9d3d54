package io.testbed.orchestrator.adapter.rec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.testbed.orchestrator.port.RecServerPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link RecServerPort} over HTTP with {@code java.net.http} (asynchronous, on its own small executor, never on Pekko's
 * dispatcher). Every failure becomes a value: 503 = rejected, no answer within the timeout = {@code timeout}.
 */
public final class HttpRecServerPort implements RecServerPort, AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private final ExecutorService executor;
  private final HttpClient client;

  /** @param threads threads of the client's executor (completions and connection handling) */
  public HttpRecServerPort(int threads, Duration connectTimeout) {
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "rec-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().executor(executor).connectTimeout(connectTimeout)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public CompletionStage<QueryReply> query(String endpoint, String model, int items, long seed, String rowDistribution,
      Duration timeout) {
    ObjectNode body = JSON.createObjectNode().put("model", model).put("items", items).put("seed", seed);
    if (rowDistribution != null) body.put("distribution", rowDistribution);
    HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint + "/v1/rec/query")).timeout(timeout)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    return send(req).handle((r, ex) -> {
      if (ex != null) {
        Throwable c = ex.getCause() != null ? ex.getCause() : ex;
        String reason = c instanceof HttpTimeoutException ? "timeout: no answer within " + timeout.toMillis() + " ms"
            : "unreachable: " + c;
        return new QueryReply(false, 0, false, reason);
      }
      if (r.statusCode() == 200) return new QueryReply(true, 200, false, null);
      String err = error(r.body());
      if (r.statusCode() == 503) return new QueryReply(false, 503, true, "rejected: " + err);
      return new QueryReply(false, r.statusCode(), false, "http " + r.statusCode() + ": " + err);
    });
  }

  @Override
  public CompletionStage<ConfigReply> configure(String endpoint, String model, int batchSize, int acceleratorThreshold) {
    ObjectNode body = JSON.createObjectNode().put("model", model).put("batchSize", batchSize)
        .put("acceleratorThreshold", acceleratorThreshold);
    HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint + "/v1/rec/config")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    return send(req).handle((r, ex) -> {
      if (ex != null) return new ConfigReply(false, "PUT " + endpoint + "/v1/rec/config failed: " + ex.getMessage());
      if (r.statusCode() == 200) return new ConfigReply(true, null);
      return new ConfigReply(false, "PUT " + endpoint + "/v1/rec/config: http " + r.statusCode() + ": " + error(r.body()));
    });
  }

  @Override
  public CompletionStage<ServerConfig> describe(String endpoint) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(endpoint + "/v1/rec/config")).timeout(Duration.ofSeconds(10)).GET().build();
    return send(req).handle((r, ex) -> {
      if (ex != null) return new ServerConfig(false, "GET " + endpoint + "/v1/rec/config failed: " + ex.getMessage(), 0, 0, null, NEVER_OFFLOAD);
      if (r.statusCode() != 200) {
        return new ServerConfig(false, "GET " + endpoint + "/v1/rec/config: http " + r.statusCode() + ": " + error(r.body()), 0, 0, null, NEVER_OFFLOAD);
      }
      try {
        JsonNode j = JSON.readTree(r.body());
        JsonNode acc = j.path("accelerator");
        String accel = acc.path("source").asText("none") + (acc.hasNonNull("description") ? " (" + acc.path("description").asText() + ")" : "");
        return new ServerConfig(true, null, j.path("workers").asInt(), j.path("instances").asInt(1), accel,
            j.path("acceleratorThresholdNever").asInt(NEVER_OFFLOAD));
      } catch (Exception e) {
        return new ServerConfig(false, "GET " + endpoint + "/v1/rec/config: unreadable answer: " + e.getMessage(), 0, 0, null, NEVER_OFFLOAD);
      }
    });
  }

  private CompletableFuture<HttpResponse<String>> send(HttpRequest req) {
    try {
      return client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String error(String body) {
    try {
      JsonNode j = JSON.readTree(body);
      if (j != null && j.hasNonNull("error")) return j.path("error").asText();
    } catch (Exception ignored) {
      // not JSON: the body itself says it
    }
    return body == null ? "" : body.length() > 200 ? body.substring(0, 200) : body;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
