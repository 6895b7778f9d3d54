package io.testbed.agent.adapter.http;

import io.testbed.agent.offload.OffloadContract;
import io.testbed.agent.port.OffloadPort;
import io.testbed.protocol.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** {@link OffloadPort} over {@link HttpClient}: POSTs the input as float32 little-endian bytes per {@link OffloadContract}. */
public final class HttpOffloadClient implements OffloadPort {
  private final HttpClient http;

  public HttpOffloadClient(Duration connectTimeout) {
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
  }

  @Override
  public OffloadResponse infer(OffloadRequest r, Duration timeout) {
    byte[] body = OffloadContract.toBytes(r.input());
    long start = System.nanoTime();
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(OffloadContract.inferUrl(r.baseUrl())))
          .timeout(timeout)
          .header("Content-Type", OffloadContract.CONTENT_TYPE)
          .header(OffloadContract.MODEL, r.model())
          .header(OffloadContract.PRECISION, OffloadContract.precisionHeader(r.precision()))
          .header(OffloadContract.BATCH_SIZE, Integer.toString(r.batchSize()))
          .header(OffloadContract.DEVICE_ID, r.requesterId())
          .header(OffloadContract.CORRELATION_ID, r.correlationId())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      double rttMs = (System.nanoTime() - start) / 1e6;
      byte[] out = resp.body();
      if (resp.statusCode() != 200) {
        String text = new String(out, StandardCharsets.UTF_8).strip();
        if (text.length() > 300) text = text.substring(0, 300) + "...";
        return new NotComputed(Outcome.FAILED, "peer answered HTTP " + resp.statusCode() + ": " + text, body.length, rttMs);
      }
      long[] shape = OffloadContract.parseShape(resp.headers().firstValue(OffloadContract.OUTPUT_SHAPE).orElse(null));
      if (OffloadContract.elements(shape) * Float.BYTES != out.length) {
        return new NotComputed(Outcome.FAILED, "peer returned " + out.length + " bytes for output shape "
            + OffloadContract.formatShape(shape), body.length, rttMs);
      }
      double computeMs = Double.parseDouble(header(resp, OffloadContract.COMPUTE_MS));
      return new Computed(OffloadContract.toFloats(out), shape, computeMs, header(resp, OffloadContract.DIGEST),
          header(resp, OffloadContract.EXECUTED_ON), body.length, out.length, rttMs);
    } catch (HttpTimeoutException e) {
      return new NotComputed(Outcome.TIMEOUT, "peer did not answer within " + timeout.toMillis() + " ms", body.length, ms(start));
    } catch (ConnectException e) {
      return new NotComputed(Outcome.FAILED, "cannot connect to " + r.baseUrl() + ": " + (e.getMessage() == null ? "connection refused" : e.getMessage()),
          0, ms(start));
    } catch (IOException | IllegalArgumentException e) {
      return new NotComputed(Outcome.FAILED, "offload to " + r.baseUrl() + " failed: " + e, body.length, ms(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new NotComputed(Outcome.FAILED, "interrupted while waiting for " + r.baseUrl(), body.length, ms(start));
    }
  }

  private static String header(HttpResponse<?> resp, String name) {
    return resp.headers().firstValue(name).orElseThrow(() -> new IllegalArgumentException("peer response lacks header " + name));
  }

  private static double ms(long startNs) { return (System.nanoTime() - startNs) / 1e6; }
}
