package io.testbed.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real Mosquitto broker process on a free loopback port, anonymous, no persistence. */
public final class Mosquitto extends ServerProcess {
  private final int port;

  private Mosquitto(Path dir, int port, Path conf) {
    super("mosquitto", dir, List.of(requireBinary("/usr/sbin/mosquitto", "/usr/bin/mosquitto"), "-c", conf.toString()));
    this.port = port;
    awaitReady(() -> tcpOpen(port), Duration.ofSeconds(10));
  }

  public static Mosquitto start() {
    Path dir = tempDir("mosquitto-");
    int port = FreePorts.find();
    Path conf = dir.resolve("mosquitto.conf");
    try {
      Files.writeString(conf, String.join("\n",
          "listener " + port + " 127.0.0.1",
          "allow_anonymous true",
          "persistence false",
          "max_inflight_messages 0",
          "max_queued_messages 100000",
          "log_dest stdout",
          "log_type error", "log_type warning", "log_type notice", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Mosquitto(dir, port, conf);
  }

  public int port() { return port; }

  /** Broker URL for Paho, e.g. {@code tcp://127.0.0.1:38211}. */
  public String url() { return "tcp://127.0.0.1:" + port; }
}
