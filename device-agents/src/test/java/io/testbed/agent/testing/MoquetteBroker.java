package io.testbed.agent.testing;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Properties;

/** An in-process Moquette broker on a free loopback port (STACK.md gotcha 3: telemetry and persistence off, big messages). */
public final class MoquetteBroker implements AutoCloseable {
  private final Server server = new Server();
  private final int port;

  private MoquetteBroker(int port) {
    this.port = port;
    Properties p = new Properties();
    p.setProperty("host", "127.0.0.1");
    p.setProperty("port", Integer.toString(port));
    p.setProperty("telemetry_enabled", "false");
    p.setProperty("persistence_enabled", "false");
    p.setProperty("allow_anonymous", "true");
    p.setProperty("netty.mqtt.message_size", Integer.toString(16 * 1024 * 1024));
    try {
      server.startServer(new MemoryConfig(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MoquetteBroker start() { return new MoquetteBroker(freePort()); }

  public String url() { return "tcp://127.0.0.1:" + port; }

  public int port() { return port; }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() { server.stopServer(); }
}
