package io.testbed.agent.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto process with a configuration of the test's choosing (TLS, passwords) that can be stopped and started
 * again on the same port, for tests the shared {@code test-support} broker does not cover.
 */
public final class MosquittoProcess implements AutoCloseable {
  private final Path conf;
  private final Path log;
  private final int port;
  private Process process;

  /** @param listenerLines lines after {@code listener PORT 127.0.0.1} (e.g. cafile, password_file) */
  public MosquittoProcess(Path dir, int port, List<String> listenerLines) throws IOException {
    this.port = port;
    this.conf = dir.resolve("mosquitto.conf");
    this.log = dir.resolve("mosquitto.log");
    StringBuilder b = new StringBuilder("user root\nlistener " + port + " 127.0.0.1\n");
    for (String l : listenerLines) b.append(l).append('\n');
    b.append("persistence false\nlog_dest stdout\n");
    Files.writeString(conf, b.toString());
  }

  public int port() { return port; }

  public MosquittoProcess start() throws IOException, InterruptedException {
    process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("mosquitto exited: " + Files.readString(log));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return this;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("mosquitto did not listen on " + port + ": " + Files.readString(log));
  }

  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException { stop(); }
}
