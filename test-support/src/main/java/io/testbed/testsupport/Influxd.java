package io.testbed.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real InfluxDB 1.x ({@code influxd}) process with temp dirs and free ports for HTTP and RPC. */
public final class Influxd extends ServerProcess {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int httpPort;

  private Influxd(Path dir, int httpPort, Path conf) {
    super("influxd", dir, List.of(requireBinary("/usr/bin/influxd", "/usr/sbin/influxd"), "-config", conf.toString()));
    this.httpPort = httpPort;
    awaitReady(this::ping, Duration.ofSeconds(20));
  }

  public static Influxd start() {
    Path dir = tempDir("influxd-");
    int httpPort = FreePorts.find();
    int rpcPort = FreePorts.find();
    Path conf = dir.resolve("influxdb.conf");
    String d = dir.toAbsolutePath().toString();
    try {
      Files.writeString(conf, String.join("\n",
          "reporting-disabled = true",
          "bind-address = \"127.0.0.1:" + rpcPort + "\"",
          "[meta]", "  dir = \"" + d + "/meta\"",
          "[data]", "  dir = \"" + d + "/data\"", "  wal-dir = \"" + d + "/wal\"", "  query-log-enabled = false",
          "[monitor]", "  store-enabled = false",
          "[subscriber]", "  enabled = false",
          "[continuous_queries]", "  enabled = false",
          "[http]", "  bind-address = \"127.0.0.1:" + httpPort + "\"", "  log-enabled = false", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Influxd(dir, httpPort, conf);
  }

  public int httpPort() { return httpPort; }

  /** Base URL, e.g. {@code http://127.0.0.1:38212}. */
  public String url() { return "http://127.0.0.1:" + httpPort; }

  private boolean ping() {
    try {
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).timeout(Duration.ofSeconds(1)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 204;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs an InfluxQL query (GET /query) and returns the raw JSON response body. */
  public String query(String db, String influxQl) {
    String q = url() + "/query?epoch=ns&db=" + URLEncoder.encode(db, StandardCharsets.UTF_8) + "&q="
        + URLEncoder.encode(influxQl, StandardCharsets.UTF_8);
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(q)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IllegalStateException("influx query failed " + r.statusCode() + ": " + r.body());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Writes line-protocol lines (ns precision) into a database, creating it first; e.g. a run's line-protocol file. */
  public void write(String db, java.util.List<String> lines) {
    execute("CREATE DATABASE \"" + db + "\"");
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/write?precision=ns&db="
              + URLEncoder.encode(db, StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 204) throw new IllegalStateException("influx write failed " + r.statusCode() + ": " + r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a statement such as {@code CREATE DATABASE x} (POST /query). */
  public String execute(String influxQl) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/query"))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString("q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new IllegalStateException("influx statement failed " + r.statusCode() + ": " + r.body());
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
