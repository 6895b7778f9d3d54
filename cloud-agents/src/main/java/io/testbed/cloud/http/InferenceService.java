package io.testbed.cloud.http;

import io.testbed.agent.offload.OffloadContract;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.power.ActivityLog;
import io.testbed.inference.InferenceEngine;
import io.testbed.inference.InferenceException;
import io.testbed.inference.InferenceOutput;
import io.testbed.inference.ZooModel;
import io.testbed.protocol.Precision;
import io.testbed.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offload contract without HTTP plumbing: checks a request's headers and body, runs it on a dedicated bounded
 * worker pool, and answers with a {@link Reply}. Bad input is a 400 naming the header or field; a full pool is a 503;
 * both are counted and the service carries on.
 */
public final class InferenceService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);
  /** Largest batch accepted in one request. */
  public static final int MAX_BATCH = 4096;

  /** An HTTP answer: status, extra headers, body and its content type. */
  public record Reply(int status, Map<String, String> headers, byte[] body, String contentType) {
    static Reply text(int status, String message) {
      return new Reply(status, Map.of(), (message + "\n").getBytes(StandardCharsets.UTF_8), "text/plain; charset=UTF-8");
    }

    public String bodyText() { return new String(body, StandardCharsets.UTF_8); }
  }

  private final String serverId;
  private final InferenceEngine engine;
  private final List<String> models;
  private final ActivityLog activity;
  private final double busyW;
  private final AgentClock clock;
  private final ThreadPoolExecutor pool;
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong badRequests = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /**
   * @param serverId the agent id reported in {@code X-Executed-On}
   * @param models the models this server serves (all in the engine's zoo)
   * @param activity where served work is logged, so the agent's modelled meter and power see it
   * @param busyW whole-device power while a worker computes
   */
  public InferenceService(String serverId, InferenceEngine engine, List<String> models, int workers, int queueCapacity,
      ActivityLog activity, double busyW, AgentClock clock) {
    this.serverId = serverId;
    this.engine = engine;
    this.models = List.copyOf(models);
    this.activity = activity;
    this.busyW = busyW;
    this.clock = clock;
    BlockingQueue<Runnable> queue = queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, queue, r -> {
      Thread t = new Thread(r, "inference-worker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  public List<String> models() { return models; }

  /** What {@code GET /v1/models} lists for one model: name, family, precisions, graph features. */
  public io.testbed.protocol.ModelInfo modelInfo(String name) { return engine.zoo().model(name).info(); }

  public long served() { return served.get(); }

  /** Requests answered 400. */
  public long badRequests() { return badRequests.get(); }

  /** Requests answered 503 because the pool and its queue were full. */
  public long rejected() { return rejected.get(); }

  /** Valid requests that failed inside ONNX Runtime (500). */
  public long failed() { return failed.get(); }

  ThreadPoolExecutor pool() { return pool; }

  /** A validated request. */
  record Request(ZooModel model, Precision precision, int batchSize, float[] input, String requester, String correlationId) {}

  /** Handles one {@code POST /v1/infer}; {@code header} looks a request header up by name. Never fails exceptionally. */
  public CompletionStage<Reply> infer(Function<String, Optional<String>> header, byte[] body) {
    Request r;
    try {
      r = parse(header, body);
    } catch (IllegalArgumentException e) {
      badRequests.incrementAndGet();
      LOG.warn("bad inference request from {}: {}", header.apply(OffloadContract.DEVICE_ID).orElse("?"), e.getMessage());
      return CompletableFuture.completedFuture(Reply.text(400, e.getMessage()));
    }
    try {
      return CompletableFuture.supplyAsync(() -> run(r), pool);
    } catch (RejectedExecutionException e) {
      rejected.incrementAndGet();
      String msg = "inference queue full (" + pool.getActiveCount() + " workers busy, " + pool.getQueue().size()
          + " waiting): retry later or use another server";
      LOG.warn("rejected {} from {}: {}", r.correlationId(), r.requester(), msg);
      return CompletableFuture.completedFuture(Reply.text(503, msg));
    }
  }

  Request parse(Function<String, Optional<String>> header, byte[] body) {
    String model = required(header, OffloadContract.MODEL);
    if (!models.contains(model)) {
      throw new IllegalArgumentException(OffloadContract.MODEL + ": unknown model '" + model + "' (served: " + String.join(", ", models) + ")");
    }
    ZooModel m = engine.zoo().model(model);
    Precision p = OffloadContract.parsePrecision(required(header, OffloadContract.PRECISION));
    if (!m.precisions().contains(p)) {
      throw new IllegalArgumentException(OffloadContract.PRECISION + ": model " + model + " has no " + p.wireName() + " variant");
    }
    String batchText = required(header, OffloadContract.BATCH_SIZE);
    int batch;
    try {
      batch = Integer.parseInt(batchText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(OffloadContract.BATCH_SIZE + ": not an integer: '" + batchText + "'");
    }
    if (batch < 1 || batch > MAX_BATCH) {
      throw new IllegalArgumentException(OffloadContract.BATCH_SIZE + ": must be in [1, " + MAX_BATCH + "], was " + batch);
    }
    String requester = header.apply(OffloadContract.DEVICE_ID).map(String::trim).orElse("unknown");
    if (!validId(requester)) {
      throw new IllegalArgumentException(OffloadContract.DEVICE_ID + ": not a device id: '" + requester + "'");
    }
    String correlationId = header.apply(OffloadContract.CORRELATION_ID).map(String::trim).orElse("-");
    long expected = (long) batch * m.sampleSize() * Float.BYTES;
    if (body == null || body.length != expected) {
      throw new IllegalArgumentException("body: expected " + expected + " bytes (batch " + batch + " x " + m.sampleSize()
          + " float32 per sample x 4), got " + (body == null ? 0 : body.length));
    }
    return new Request(m, p, batch, OffloadContract.toFloats(body), requester, correlationId);
  }

  private static String required(Function<String, Optional<String>> header, String name) {
    return header.apply(name).filter(v -> !v.isBlank())
        .orElseThrow(() -> new IllegalArgumentException(name + ": header is missing"));
  }

  private Reply run(Request r) {
    ActivityLog.Activity act = activity.begin(busyW, clock.monotonicNs());
    try {
      InferenceOutput out = engine.run(r.model().name(), r.precision(), r.input(), r.batchSize());
      served.incrementAndGet();
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put(OffloadContract.OUTPUT_SHAPE, OffloadContract.formatShape(out.shape()));
      headers.put(OffloadContract.COMPUTE_MS, String.format(Locale.ROOT, "%.4f", out.computeMs()));
      headers.put(OffloadContract.DIGEST, out.digest());
      headers.put(OffloadContract.EXECUTED_ON, serverId);
      LOG.debug("served {} for {}: {} x{} ({}) in {} ms", r.correlationId(), r.requester(), r.model().name(), r.batchSize(),
          r.precision().wireName(), out.computeMs());
      return new Reply(200, headers, OffloadContract.toBytes(out.values()), OffloadContract.CONTENT_TYPE);
    } catch (InferenceException | RuntimeException e) {
      failed.incrementAndGet();
      LOG.warn("inference {} for {} failed: {}", r.correlationId(), r.requester(), e.getMessage());
      return Reply.text(500, "inference failed: " + e.getMessage());
    } finally {
      act.end(clock.monotonicNs());
    }
  }

  /** Health figures for {@code GET /v1/health}. */
  public Map<String, Object> health() {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("status", "ok");
    h.put("deviceId", serverId);
    h.put("models", models);
    h.put("workers", pool.getMaximumPoolSize());
    h.put("busyWorkers", pool.getActiveCount());
    h.put("queued", pool.getQueue().size());
    h.put("served", served.get());
    h.put("badRequests", badRequests.get());
    h.put("rejected", rejected.get());
    h.put("failed", failed.get());
    return h;
  }

  private static boolean validId(String s) {
    try {
      Topics.requireSegment(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
