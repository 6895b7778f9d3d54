package io.testbed.cloud.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.power.ActivityLog;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.cloud.rec.RecApi;
import io.testbed.cloud.rec.RecFixtures;
import io.testbed.cloud.rec.RecServer;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.inference.rec.IndexDistribution;
import io.testbed.inference.rec.RecBatch;
import io.testbed.inference.rec.RecEngine;
import io.testbed.inference.rec.RecInputs;
import io.testbed.inference.rec.RecModel;
import io.testbed.protocol.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The /v1/rec routes through the real bound Pekko HTTP server (java.net.http), on real ONNX Runtime sessions of tiny models. */
class RecRoutesTest {
  private static InferenceEngine engine;
  private static InferenceServer server;
  private static RecServer rec;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    engine = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single());
    CloudSettings s = CloudSettings.fromConfig(com.typesafe.config.ConfigFactory.load());
    rec = RecFixtures.server(RecFixtures.settings("dlrm-rmc1", "ncf").withBatching(16, 1025), RecFixtures.ort());
    server = InferenceServer.start(s, new InferenceService("cloud-r", engine, List.of("mlp"), 1, 1, new ActivityLog(), 100, AgentClock.SYSTEM), rec);
    rec.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  static HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception { return WireCodec.mapper().readTree(r.body()); }

  static HttpResponse<String> binary(String model, String items, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/v1/rec/query")).header("Content-Type", RecApi.BINARY_CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (model != null) b.header(RecApi.MODEL_HEADER, model);
    if (items != null) b.header(RecApi.ITEMS_HEADER, items);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aJsonQueryIsServedWithItsTimesAndTheDigestOfADirectRun() throws Exception {
    HttpResponse<String> r = send("POST", "/v1/rec/query", "{\"model\":\"dlrm-rmc1\",\"items\":40,\"seed\":11,\"distribution\":\"power-law:0.9\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode j = json(r);
    RecModel m = rec.model("dlrm-rmc1");
    try (RecEngine ref = new RecEngine(ThreadSettings.single())) {
      RecBatch q = RecInputs.of(m, IndexDistribution.powerLaw(0.9), RecInputs.Dense.UNIFORM, 11).batch(40, 0);
      assertThat(j.path("digest").asText()).isEqualTo(ref.runSplit(m, q, 16).digest());
    }
    assertThat(j.path("queryId").asLong()).isPositive();
    assertThat(j.path("items").asInt()).isEqualTo(40);
    assertThat(j.path("subRequests").asInt()).isEqualTo(3);
    assertThat(j.path("path").asText()).isEqualTo("cpu");
    assertThat(j.has("acceleratorSource")).isFalse();
    assertThat(j.has("outputs")).isFalse();
    for (String f : List.of("latencyMs", "queueMs", "serviceMs", "computeMs", "inputMs")) assertThat(j.path(f).isNumber()).as(f).isTrue();
    assertThat(j.path("latencyMs").asDouble()).isGreaterThanOrEqualTo(j.path("serviceMs").asDouble());
  }

  @Test
  void aBinaryQueryGivesTheSameDigestAsTheGeneratedOne() throws Exception {
    RecModel m = rec.model("dlrm-rmc1");
    RecBatch q = RecInputs.uniform(m, 5).batch(20, 0);
    HttpResponse<String> b = binary("dlrm-rmc1", "20", RecApi.encodeBinary(q));
    assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
    HttpResponse<String> g = send("POST", "/v1/rec/query", "{\"model\":\"dlrm-rmc1\",\"items\":20,\"seed\":5,\"outputs\":true}");
    assertThat(json(b).path("digest").asText()).isEqualTo(json(g).path("digest").asText());
    assertThat(json(g).path("outputs").size()).isEqualTo(20);
    // NCF has no dense features: the body is the indices alone
    RecModel ncf = rec.model("ncf");
    assertThat(binary("ncf", "3", RecApi.encodeBinary(RecInputs.uniform(ncf, 1).batch(3, 0))).statusCode()).isEqualTo(200);
  }

  @Test
  void badInputIs400NamingTheFieldUnknownModel404AllCountedAndTheServerCarriesOn() throws Exception {
    long before = rec.stats().badRequests();
    List<String[]> cases = List.of(
        new String[] {"{\"items\":4}", "model: is required"},
        new String[] {"{\"model\":\"dlrm-rmc1\"}", "items: is required"},
        new String[] {"{\"model\":\"dlrm-rmc1\",\"items\":0}", "items: must be in [1, 1024], was 0"},
        new String[] {"{\"model\":\"dlrm-rmc1\",\"items\":1025}", "items: must be in [1, 1024], was 1025"},
        new String[] {"{\"model\":\"dlrm-rmc1\",\"items\":\"ten\"}", "items: must be an integer"},
        new String[] {"{\"model\":\"dlrm-rmc1\",\"items\":4,\"seed\":1.5}", "seed: must be an integer"},
        new String[] {"{\"model\":\"dlrm-rmc1\",\"items\":4,\"distribution\":\"zipf\"}", "distribution: expected 'uniform' or 'power-law:<alpha>'"},
        new String[] {"{\"model\":\"dlrm-rmc1\",\"items\":4,\"distribution\":\"power-law:-1\"}", "distribution: alpha must be in [0, 10]"},
        new String[] {"{\"model\":\"dlrm-rmc1\",\"items\":4,\"batch\":2}", "batch: unknown field"},
        new String[] {"{\"model\":", "body: not JSON"},
        new String[] {"[1,2]", "body: expected a JSON object"});
    for (String[] c : cases) {
      HttpResponse<String> r = send("POST", "/v1/rec/query", c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(json(r).path("error").asText()).as(c[0]).contains(c[1]);
    }
    HttpResponse<String> unknown = send("POST", "/v1/rec/query", "{\"model\":\"dien\",\"items\":4}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).path("error").asText()).contains("unknown model 'dien' (served: dlrm-rmc1, ncf)");

    RecModel m = rec.model("dlrm-rmc1");
    byte[] good = RecApi.encodeBinary(RecInputs.uniform(m, 1).batch(2, 0));
    assertThat(binary(null, "2", good).body()).contains("X-Model: header is missing");
    assertThat(binary("dlrm-rmc1", null, good).body()).contains("X-Items: header is missing");
    assertThat(binary("dlrm-rmc1", "x", good).body()).contains("X-Items: not an integer");
    assertThat(binary("dlrm-rmc1", "3", good).body()).contains("body: expected");
    byte[] outOfRange = good.clone();
    java.nio.ByteBuffer.wrap(outOfRange).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 1000); // table 0 has 1000 rows
    HttpResponse<String> oor = binary("dlrm-rmc1", "2", outOfRange);
    assertThat(oor.statusCode()).isEqualTo(400);
    assertThat(json(oor).path("error").asText()).contains("item 0 table 0 lookup 0 asks for row 1000, the table has 1000 rows");
    assertThat(binary("wnd", "2", good).statusCode()).isEqualTo(404);

    assertThat(rec.stats().badRequests() - before).isEqualTo(cases.size() + 1 + 6);
    assertThat(send("POST", "/v1/rec/query", "{\"model\":\"dlrm-rmc1\",\"items\":4}").statusCode()).isEqualTo(200);
  }

  @Test
  void configIsReadAndSetGloballyOrPerModelWithValidation() throws Exception {
    JsonNode c = json(send("GET", "/v1/rec/config", null));
    assertThat(c.path("workers").asInt()).isEqualTo(2);
    assertThat(c.path("maxItems").asInt()).isEqualTo(1024);
    assertThat(c.path("acceleratorThresholdNever").asInt()).isEqualTo(1025);
    assertThat(c.path("accelerator").path("source").asText()).isEqualTo("modelled");
    assertThat(c.path("accelerator").path("serviceTimeMs").path("dlrm-rmc1").asText()).startsWith("1:1.0");
    assertThat(c.path("models").path("ncf").path("batchSize").asInt()).isEqualTo(16);
    try {
      HttpResponse<String> one = send("PUT", "/v1/rec/config", "{\"model\":\"ncf\",\"batchSize\":4,\"acceleratorThreshold\":300}");
      assertThat(one.statusCode()).isEqualTo(200);
      assertThat(json(one).path("models").path("ncf").path("batchSize").asInt()).isEqualTo(4);
      assertThat(json(one).path("models").path("ncf").path("acceleratorThreshold").asInt()).isEqualTo(300);
      assertThat(json(one).path("models").path("dlrm-rmc1").path("batchSize").asInt()).isEqualTo(16);
      HttpResponse<String> all = send("PUT", "/v1/rec/config", "{\"batchSize\":32}");
      assertThat(json(all).path("models").path("ncf").path("batchSize").asInt()).isEqualTo(32);
      assertThat(json(all).path("models").path("ncf").path("acceleratorThreshold").asInt()).isEqualTo(300);
      assertThat(json(send("GET", "/v1/rec/config", null)).path("models").path("dlrm-rmc1").path("batchSize").asInt()).isEqualTo(32);
      // a query now splits with the new B
      assertThat(json(send("POST", "/v1/rec/query", "{\"model\":\"dlrm-rmc1\",\"items\":64}")).path("subRequests").asInt()).isEqualTo(2);

      String[][] bad = {
          {"{\"batchSize\":0}", "batchSize: must be in [1, 1024], was 0"},
          {"{\"batchSize\":2048}", "batchSize: must be in [1, 1024]"},
          {"{\"acceleratorThreshold\":1026}", "acceleratorThreshold: must be an integer in [1, 1025] (1025 = never)"},
          {"{\"acceleratorThreshold\":\"high\"}", "acceleratorThreshold"},
          {"{}", "give at least one"},
          {"{\"batch\":4}", "batch: unknown field"},
          {"{\"instances\":2,\"batchSize\":8}", "instances: fixed at server start"},
          {"{\"workers\":4}", "restart the cloud agent with --rec-workers N"}};
      for (String[] b : bad) {
        HttpResponse<String> r = send("PUT", "/v1/rec/config", b[0]);
        assertThat(r.statusCode()).as(b[0]).isEqualTo(400);
        assertThat(json(r).path("error").asText()).as(b[0]).contains(b[1]);
      }
      HttpResponse<String> unknown = send("PUT", "/v1/rec/config", "{\"model\":\"din\",\"batchSize\":4}");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(json(send("GET", "/v1/rec/config", null)).path("models").path("dlrm-rmc1").path("batchSize").asInt()).isEqualTo(32);
    } finally {
      rec.setPolicy(null, 16, 1025);
    }
  }

  @Test
  void statsCountAndGiveLatencyPercentilesPerModel() throws Exception {
    for (int i = 0; i < 5; i++) assertThat(send("POST", "/v1/rec/query", "{\"model\":\"ncf\",\"items\":10,\"seed\":" + i + "}").statusCode()).isEqualTo(200);
    JsonNode s = json(send("GET", "/v1/rec/stats", null));
    assertThat(s.path("served").asLong()).isGreaterThanOrEqualTo(5);
    JsonNode ncf = s.path("models").path("ncf");
    assertThat(ncf.path("served").asLong()).isGreaterThanOrEqualTo(5);
    assertThat(ncf.path("latencyMs").path("count").asLong()).isGreaterThanOrEqualTo(5);
    assertThat(ncf.path("latencyMs").path("p95").asDouble()).isPositive()
        .isGreaterThanOrEqualTo(ncf.path("latencyMs").path("p50").asDouble())
        .isLessThanOrEqualTo(ncf.path("latencyMs").path("max").asDouble());
    for (String f : List.of("rejected", "failed", "timedOut", "badRequests", "fifoLength", "cpuAdmitted", "busyWorkers", "acceleratorQueueLength")) {
      assertThat(s.has(f)).as(f).isTrue();
    }
    assertThat(s.path("warm").asBoolean()).isTrue();
    assertThat(send("GET", "/v1/rec/stats/reset", null).statusCode()).isEqualTo(405);
    HttpResponse<String> reset = send("POST", "/v1/rec/stats/reset", null);
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(json(reset).path("served").asLong()).isGreaterThanOrEqualTo(5);
    JsonNode after = json(send("GET", "/v1/rec/stats", null));
    assertThat(after.path("models").path("ncf").path("latencyMs").path("count").asLong()).isZero();
    assertThat(after.path("served").asLong()).isZero();
    assertThat(after.path("sinceResetS").asDouble()).isLessThan(s.path("sinceResetS").asDouble());
  }

  @Test
  void manyConcurrentQueriesCompleteWithoutBlockingTheServer() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/v1/rec/query"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"ncf\",\"items\":" + (1 + i * 7) + ",\"seed\":" + i + "}")).build();
      all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }
    // while they run the server still answers other routes
    assertThat(send("GET", "/v1/rec/config", null).statusCode()).isEqualTo(200);
    for (CompletableFuture<HttpResponse<String>> f : all) assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aFullQueueIs503OverHttp() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RecServer tiny = RecFixtures.server(RecFixtures.settings("ncf").withPool(1, 1, 1), RecFixtures.gated(gate, b -> true));
    CloudSettings s = CloudSettings.fromConfig(com.typesafe.config.ConfigFactory.load());
    try (InferenceServer other = InferenceServer.start(s, new InferenceService("cloud-q", engine, List.of("mlp"), 1, 1, new ActivityLog(), 100,
        AgentClock.SYSTEM), tiny)) {
      HttpRequest q = HttpRequest.newBuilder(URI.create(other.url() + "/v1/rec/query")).POST(HttpRequest.BodyPublishers.ofString(
          "{\"model\":\"ncf\",\"items\":8}")).build();
      CompletableFuture<HttpResponse<String>> first = http.sendAsync(q, HttpResponse.BodyHandlers.ofString());
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> tiny.cpuAdmitted() == 1);
      HttpResponse<String> second = http.send(q, HttpResponse.BodyHandlers.ofString());
      assertThat(second.statusCode()).isEqualTo(503);
      assertThat(json(second).path("error").asText()).isEqualTo("queue full (capacity 1)");
      assertThat(tiny.stats().rejected()).isEqualTo(1);
      gate.countDown();
      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    } finally {
      gate.countDown();
    }
  }
}
