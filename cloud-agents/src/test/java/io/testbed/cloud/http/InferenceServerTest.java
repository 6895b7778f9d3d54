package io.testbed.cloud.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.agent.adapter.http.HttpOffloadClient;
import io.testbed.agent.offload.OffloadContract;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.port.OffloadPort;
import io.testbed.agent.power.ActivityLog;
import io.testbed.cloud.config.CloudSettings;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.ModelZoo;
import io.testbed.inference.ThreadSettings;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.Precision;
import io.testbed.protocol.WireCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The inference server's routes, through the real bound Pekko HTTP server and java.net.http. */
class InferenceServerTest {
  private static InferenceEngine engine;
  private static InferenceServer server;
  private static final ActivityLog activity = new ActivityLog();
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    engine = new InferenceEngine(ModelZoo.of(List.of("mlp")), ThreadSettings.single());
    CloudSettings s = CloudSettings.fromConfig(com.typesafe.config.ConfigFactory.load()).withPool(1, 1);
    server = InferenceServer.start(s, new InferenceService("cloud-t", engine, List.of("mlp"), s.workers(), s.queueCapacity(), activity, 160.0,
        AgentClock.SYSTEM));
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  private static HttpResponse<byte[]> post(Map<String, String> headers, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "/v1/infer")).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Map<String, String> headers(String model, String precision, String batch) {
    return Map.of(OffloadContract.MODEL, model, OffloadContract.PRECISION, precision, OffloadContract.BATCH_SIZE, batch,
        OffloadContract.DEVICE_ID, "phone-1", OffloadContract.CORRELATION_ID, "c-1");
  }

  private static byte[] input(int batch, long seed) {
    return OffloadContract.toBytes(InferenceEngine.syntheticInput(engine.zoo().model("mlp"), batch, seed));
  }

  @Test
  void inferReturnsTheBinaryOutputAndTheDigestOfALocalRun() throws Exception {
    HttpResponse<byte[]> r = post(headers("mlp", "fp32", "2"), input(2, 9));
    assertThat(r.statusCode()).isEqualTo(200);
    String local = engine.run("mlp", Precision.FP32, InferenceEngine.syntheticInput(engine.zoo().model("mlp"), 2, 9), 2).digest();
    assertThat(r.headers().firstValue(OffloadContract.DIGEST)).contains(local);
    assertThat(r.headers().firstValue(OffloadContract.EXECUTED_ON)).contains("cloud-t");
    assertThat(r.headers().firstValue("Content-Type")).contains("application/octet-stream");
    long[] shape = OffloadContract.parseShape(r.headers().firstValue(OffloadContract.OUTPUT_SHAPE).orElseThrow());
    assertThat(shape[0]).isEqualTo(2);
    float[] out = OffloadContract.toFloats(r.body());
    assertThat((long) out.length).isEqualTo(OffloadContract.elements(shape));
    assertThat(InferenceEngine.digest(out)).isEqualTo(local);
    assertThat(Double.parseDouble(r.headers().firstValue(OffloadContract.COMPUTE_MS).orElseThrow())).isPositive();

    HttpResponse<byte[]> q = post(headers("mlp", "int8", "1"), input(1, 9));
    assertThat(q.statusCode()).isEqualTo(200);
    assertThat(q.headers().firstValue(OffloadContract.DIGEST)).contains(
        engine.run("mlp", Precision.INT8, InferenceEngine.syntheticInput(engine.zoo().model("mlp"), 1, 9), 1).digest());
  }

  @Test
  void badRequestsAre400NamingTheHeaderOrFieldAndTheServerCarriesOn() throws Exception {
    long before = server.service().badRequests();
    Map<String, String> noModel = Map.of(OffloadContract.PRECISION, "fp32", OffloadContract.BATCH_SIZE, "1");
    assertBad(post(noModel, input(1, 1)), "X-Model");
    assertBad(post(headers("resnet", "fp32", "1"), input(1, 1)), "X-Model: unknown model 'resnet'");
    assertBad(post(headers("mlp", "fp16", "1"), input(1, 1)), "X-Precision");
    assertBad(post(headers("mlp", "fp32", "two"), input(1, 1)), "X-Batch-Size");
    assertBad(post(headers("mlp", "fp32", "0"), input(1, 1)), "X-Batch-Size");
    assertBad(post(headers("mlp", "fp32", "2"), input(1, 1)), "body: expected 6272 bytes");
    assertBad(post(Map.of(OffloadContract.MODEL, "mlp", OffloadContract.PRECISION, "fp32", OffloadContract.BATCH_SIZE, "1",
        OffloadContract.DEVICE_ID, "bad id"), input(1, 1)), "X-Device-Id");
    assertThat(server.service().badRequests() - before).isEqualTo(7);
    assertThat(post(headers("mlp", "fp32", "1"), input(1, 1)).statusCode()).isEqualTo(200);
  }

  private static void assertBad(HttpResponse<byte[]> r, String mentions) {
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new String(r.body())).contains(mentions);
  }

  @Test
  void fullQueueIs503WithAClearMessageAndCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Runnable block = () -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    long before = server.service().rejected();
    server.service().pool().execute(block); // the one worker
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> server.service().pool().getActiveCount() == 1);
    server.service().pool().execute(block); // the one queue slot
    try {
      HttpResponse<byte[]> r = post(headers("mlp", "fp32", "1"), input(1, 1));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(new String(r.body())).contains("queue full");
      assertThat(server.service().rejected() - before).isEqualTo(1);
    } finally {
      release.countDown();
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.service().pool().getActiveCount() == 0
        && server.service().pool().getQueue().isEmpty());
    assertThat(post(headers("mlp", "fp32", "1"), input(1, 1)).statusCode()).isEqualTo(200);
  }

  @Test
  void healthAndModelsAreJson() throws Exception {
    HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(h.statusCode()).isEqualTo(200);
    JsonNode health = WireCodec.mapper().readTree(h.body());
    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("deviceId").asText()).isEqualTo("cloud-t");
    HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode models = WireCodec.mapper().readTree(m.body());
    assertThat(models.isArray()).isTrue();
    assertThat(models.get(0).path("name").asText()).isEqualTo("mlp");
    assertThat(models.get(0).path("precisions").toString()).contains("fp32", "int8");
    HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/infer")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(405);
  }

  @Test
  void theAgentsOffloadClientSpeaksTheSameContract() {
    HttpOffloadClient client = new HttpOffloadClient(Duration.ofSeconds(2));
    float[] in = InferenceEngine.syntheticInput(engine.zoo().model("mlp"), 3, 4);
    OffloadPort.OffloadResponse ok = client.infer(new OffloadPort.OffloadRequest(server.url(), "mlp", Precision.FP32, 3, "phone-1", "c-9", in),
        Duration.ofSeconds(10));
    assertThat(ok).isInstanceOf(OffloadPort.Computed.class);
    OffloadPort.Computed c = (OffloadPort.Computed) ok;
    assertThat(c.executedOn()).isEqualTo("cloud-t");
    assertThat(c.bytesSent()).isEqualTo(3L * 784 * 4);
    assertThat(c.bytesReceived()).isEqualTo(c.output().length * 4L);
    assertThat(c.roundTripMs()).isGreaterThanOrEqualTo(c.peerComputeMs());
    assertThat(c.digest()).isEqualTo(InferenceEngine.digest(c.output()));

    OffloadPort.OffloadResponse bad = client.infer(new OffloadPort.OffloadRequest(server.url(), "resnet", Precision.FP32, 1, "phone-1", "c-10",
        new float[4]), Duration.ofSeconds(10));
    assertThat(bad).isInstanceOfSatisfying(OffloadPort.NotComputed.class, n -> {
      assertThat(n.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(n.reason()).contains("HTTP 400").contains("unknown model");
    });
    int deadPort = io.testbed.testsupport.FreePorts.find();
    OffloadPort.OffloadResponse refused = client.infer(new OffloadPort.OffloadRequest("http://127.0.0.1:" + deadPort, "mlp", Precision.FP32, 1,
        "phone-1", "c-11", new float[784]), Duration.ofSeconds(5));
    assertThat(refused).isInstanceOfSatisfying(OffloadPort.NotComputed.class, n -> {
      assertThat(n.outcome()).isEqualTo(Outcome.FAILED);
      assertThat(n.reason()).contains("cannot connect");
    });
  }

  @Test
  void servedWorkShowsInTheActivityLog() throws Exception {
    long t0 = System.nanoTime();
    assertThat(post(headers("mlp", "fp32", "8"), input(8, 2)).statusCode()).isEqualTo(200);
    long t1 = System.nanoTime();
    assertThat(activity.averagePowerW(t0, t1, 95.0)).isGreaterThan(95.0);
  }
}
