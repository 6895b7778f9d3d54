package io.testbed.power.adapter.scpi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A tiny SCPI instrument on a loopback port: answers the query with {@code replies.apply(n)} for the n-th query (0-based)
 * across connections; the reply {@code CLOSE} drops the connection, {@code SILENT} answers nothing. Other commands are recorded.
 */
final class ScpiEmulator implements AutoCloseable {
  static final String CLOSE = "<close>";
  static final String SILENT = "<silent>";

  private final ServerSocket server;
  private final String query;
  private final IntFunction<String> replies;
  private final AtomicInteger queries = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  final List<String> commands = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  ScpiEmulator(String query, IntFunction<String> replies) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.query = query;
    this.replies = replies;
    this.acceptor = new Thread(this::acceptLoop, "scpi-emulator");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() { return server.getLocalPort(); }

  int queries() { return queries.get(); }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.incrementAndGet();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "scpi-emulator-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
      OutputStream out = s.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.trim().equalsIgnoreCase(query)) {
          commands.add(line.trim());
          continue;
        }
        String reply = replies.apply(queries.getAndIncrement());
        if (CLOSE.equals(reply)) return;
        if (SILENT.equals(reply)) continue;
        out.write((reply + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) s.close();
  }
}
