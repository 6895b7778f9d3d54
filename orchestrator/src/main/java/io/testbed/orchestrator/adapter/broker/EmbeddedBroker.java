package io.testbed.orchestrator.adapter.broker;

import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.config.MemoryConfig;
import io.testbed.orchestrator.config.OrchestratorSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process Moquette 0.17 MQTT broker: loopback by default, no telemetry to the internet, persistence off
 * (its data path, if ever used, is a temp dir, never ./data), 1 MB messages (STACK.md gotcha 3).
 */
public final class EmbeddedBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

  private final Server server;
  private final String host;
  private final int port;
  private final Path dataDir;

  private EmbeddedBroker(Server server, String host, int port, Path dataDir) {
    this.server = server;
    this.host = host;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts the broker; port 0 picks a free port first (Moquette itself may report 0). */
  public static EmbeddedBroker start(OrchestratorSettings.EmbeddedBroker settings) {
    int port = settings.port() == 0 ? freePort(settings.host()) : settings.port();
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("testbed-moquette-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temp dir for the embedded broker", e);
    }
    Properties p = new Properties();
    p.setProperty(IConfig.HOST_PROPERTY_NAME, settings.host());
    p.setProperty(IConfig.PORT_PROPERTY_NAME, Integer.toString(port));
    p.setProperty(IConfig.ENABLE_TELEMETRY_NAME, "false");
    p.setProperty(IConfig.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
    p.setProperty(IConfig.DATA_PATH_PROPERTY_NAME, dataDir.toString());
    p.setProperty(IConfig.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(settings.messageSizeBytes()));
    p.setProperty(IConfig.WEB_SOCKET_PORT_PROPERTY_NAME, io.moquette.BrokerConstants.DISABLED_PORT_BIND);
    if (settings.passwordFile().isPresent()) {
      p.setProperty(IConfig.PASSWORD_FILE_PROPERTY_NAME, settings.passwordFile().get().toAbsolutePath().toString());
      p.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "false");
    } else {
      p.setProperty(IConfig.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
    }
    Server server = new Server();
    try {
      server.startServer(new MemoryConfig(p));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dataDir);
      throw new IllegalStateException(
          "embedded MQTT broker could not listen on " + settings.host() + ":" + port + ": " + e.getMessage(), e);
    }
    log.info("Embedded MQTT broker (Moquette) listening on tcp://{}:{}", settings.host(), port);
    return new EmbeddedBroker(server, settings.host(), port, dataDir);
  }

  public int port() {
    return port;
  }

  public String url() {
    return "tcp://" + host + ":" + port;
  }

  @Override
  public void close() {
    server.stopServer();
    deleteQuietly(dataDir);
    log.info("Embedded MQTT broker stopped");
  }

  private static int freePort(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on " + host, e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      log.debug("could not delete {}", dir, e);
    }
  }
}
