package io.testbed.agent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.testbed.agent.offload.OffloadContract;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceOutput;
import io.testbed.protocol.Precision;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP peer for offload tests (the cloud agent's server lives in {@code cloud-agents}, which depends on this
 * module): serves {@code POST /v1/infer} per {@link OffloadContract} with a real ONNX Runtime engine, on a free
 * loopback port.
 */
public final class TestInferenceServer implements AutoCloseable {
  private final HttpServer server;
  private final InferenceEngine engine;
  private final String id;
  private final AtomicLong served = new AtomicLong();
  private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "test-inference-server");
    t.setDaemon(true);
    return t;
  });

  public TestInferenceServer(String id, InferenceEngine engine) {
    this.id = id;
    this.engine = engine;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(OffloadContract.INFER_PATH, this::infer);
    server.setExecutor(pool);
    server.start();
  }

  public String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

  public long served() { return served.get(); }

  private void infer(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      String model = ex.getRequestHeaders().getFirst(OffloadContract.MODEL);
      Precision p = OffloadContract.parsePrecision(ex.getRequestHeaders().getFirst(OffloadContract.PRECISION));
      int batch = Integer.parseInt(ex.getRequestHeaders().getFirst(OffloadContract.BATCH_SIZE));
      InferenceOutput out = engine.run(model, p, OffloadContract.toFloats(body), batch);
      byte[] bytes = OffloadContract.toBytes(out.values());
      ex.getResponseHeaders().add(OffloadContract.OUTPUT_SHAPE, OffloadContract.formatShape(out.shape()));
      ex.getResponseHeaders().add(OffloadContract.COMPUTE_MS, Double.toString(out.computeMs()));
      ex.getResponseHeaders().add(OffloadContract.DIGEST, out.digest());
      ex.getResponseHeaders().add(OffloadContract.EXECUTED_ON, id);
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
      served.incrementAndGet();
    } catch (Exception e) {
      byte[] msg = e.toString().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(400, msg.length);
      ex.getResponseBody().write(msg);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
