package io.testbed.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.FakeDevice;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.RestClient;
import io.testbed.testsupport.FreePorts;
import io.testbed.testsupport.Influxd;
import io.testbed.testsupport.RealServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With InfluxDB configured but unreachable, the orchestrator falls back to line-protocol files (and says so over REST);
 * the file then imports into a real influxd the way {@code influx -import} does (header skipped, lines to /write).
 */
@ExtendWith(RealServers.class)
class LineProtocolFallbackIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void unreachableInfluxFallsBackToAnImportableFile(Influxd influxd, @TempDir Path dataDir) throws Exception {
    String deadInflux = "http://127.0.0.1:" + FreePorts.find();
    RunningOrchestrator o = Orchestrator.start(ConfigFactory.parseMap(Map.of(
        "testbed.orchestrator.http.port", 0,
        "testbed.orchestrator.embedded-broker.port", 0,
        "testbed.orchestrator.influx.url", deadInflux,
        "testbed.orchestrator.influx.ping-timeout", "500ms",
        "testbed.orchestrator.data-dir", dataDir.toString())));
    String jobId;
    Path file;
    try {
      RestClient rest = new RestClient(o.restUrl());
      JsonNode ts = rest.get("/api/v1/health").json().path("timeseries");
      assertThat(ts.path("kind").asText()).isEqualTo("line-protocol-files");
      file = Path.of(ts.path("path").asText());
      assertThat(file.getParent()).isEqualTo(dataDir.toAbsolutePath());
      assertThat(file.getFileName().toString()).matches("timeseries-\\d{8}T\\d{6}Z\\.lp");
      try (FakeDevice phone = FakeDevice.start(o.brokerUrl(), Fixtures.phoneHello("phone-lp"))) {
        await().atMost(Duration.ofSeconds(10))
            .until(() -> rest.get("/api/v1/devices/phone-lp").json().path("status").asText().equals("online"));
        jobId = rest.post("/api/v1/jobs",
            "{\"deviceId\":\"phone-lp\",\"model\":\"mobilenet\",\"target\":\"cpu\",\"count\":3}", null).json().path("jobId").asText();
        await().atMost(Duration.ofSeconds(15))
            .until(() -> rest.get("/api/v1/jobs/" + jobId).json().path("status").asText().equals("completed"));
      }
    } finally {
      o.stop().toCompletableFuture().get(); // flushes the file
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines.subList(0, 2)).containsExactly("# DML", "# CONTEXT-DATABASE: testbed");
    List<String> data = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    assertThat(data).filteredOn(l -> l.startsWith("inference,")).hasSize(3);
    assertThat(data).anyMatch(l -> l.startsWith("heartbeat,"));
    assertThat(data).anyMatch(l -> l.startsWith("device_state,"));

    // import as `influx -import` would: create the database, post the data lines with ns precision
    influxd.execute("CREATE DATABASE lp_import");
    HttpResponse<String> write = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(influxd.url() + "/write?db=lp_import&precision=ns"))
            .POST(HttpRequest.BodyPublishers.ofString(data.stream().collect(Collectors.joining("\n")))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(write.statusCode()).as(write.body()).isEqualTo(204);
    JsonNode r = JSON.readTree(influxd.query("lp_import",
        "SELECT count(\"latencyMs\") FROM \"inference\" WHERE \"run\"='" + jobId + "' AND \"outcome\"='ok'"));
    assertThat(r.path("results").path(0).path("series").path(0).path("values").path(0).path(1).asLong()).isEqualTo(3);
  }
}
