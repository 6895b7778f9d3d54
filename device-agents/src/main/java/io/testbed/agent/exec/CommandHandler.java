package io.testbed.agent.exec;

import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.agent.port.AgentClock;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Takes command payloads from the MQTT callback thread, decodes and checks them there, and hands valid commands to
 * the device's single worker thread, which runs them one at a time in arrival order. Every command gets exactly one
 * reply: a result (ok, failed, timeout or rejected) or an {@link ErrorReply}. Malformed payloads are counted, logged
 * at WARN with the reason and answered {@code bad-command}; nothing here throws back into the MQTT client.
 */
public final class CommandHandler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);

  private final String deviceId;
  private final CommandValidator validator;
  private final CommandExecutor executor;
  private final Consumer<WireMessage> replies;
  private final AgentClock clock;
  private final ScheduledExecutorService timer;
  private final ThreadPoolExecutor worker;
  private volatile ControlHandler controls;
  private volatile SensorNode sensor;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  /**
   * @param replies publishes a reply on the device's replies topic (must not block)
   * @param timer fires the timeout replies of commands that run too long
   */
  public CommandHandler(
      String deviceId,
      CommandValidator validator,
      CommandExecutor executor,
      Consumer<WireMessage> replies,
      AgentClock clock,
      ScheduledExecutorService timer,
      int queueCapacity) {
    this.deviceId = deviceId;
    this.validator = validator;
    this.executor = executor;
    this.replies = replies;
    this.clock = clock;
    this.timer = timer;
    this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
      Thread t = new Thread(r, "agent-worker-" + deviceId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Hands control commands (SetInterference, SetNetwork, SetMode) to {@code c}; without one they are answered bad-command. */
  public void controls(ControlHandler c) { this.controls = c; }

  /** Runs frame commands (target {@value SensorNode#FRAME_TARGET}) on {@code node} (a sensor node). */
  public void sensor(SensorNode node) { this.sensor = node; }

  /** Payloads that were not a valid command (not JSON, wrong type, invalid fields). */
  public long malformedCommands() { return malformed.get(); }

  /** Well-formed commands refused with unknown-model, unknown-target or bad-command. */
  public long refusedCommands() { return refused.get(); }

  /** Commands that ran to a result (of any outcome, timeouts included). */
  public long completedCommands() { return completed.get(); }

  public long timedOutCommands() { return timedOut.get(); }

  public long receivedPayloads() { return received.get(); }

  /** Commands queued or running on the worker right now. */
  public int pendingCommands() { return worker.getQueue().size() + worker.getActiveCount(); }

  /** Entry point from the MQTT callback: decode, check, enqueue. Never throws. */
  public void onPayload(byte[] payload) {
    long receivedMono = clock.monotonicNs();
    received.incrementAndGet();
    try {
      WireMessage m;
      try {
        m = WireCodec.decode(payload);
      } catch (MalformedMessageException e) {
        malformed.incrementAndGet();
        String correlationId = correlationIdOf(payload).orElse(null);
        LOG.warn("dropped malformed command ({} bytes, correlationId {}): {}", payload == null ? 0 : payload.length, correlationId, e.getMessage());
        if (correlationId != null && controls != null && ControlHandler.isControlType(typeOf(payload).orElse(""))) {
          // a control command with a value out of the protocol's range: the orchestrator expects a ControlAck
          controls.refuse(correlationId, "malformed " + typeOf(payload).get() + ": " + e.getMessage());
        } else {
          replyError(correlationId, ErrorCodes.BAD_COMMAND, "malformed command: " + e.getMessage());
        }
        return;
      }
      if (ClockResponder.answer(m, clock, replies)) return;
      if (controls != null && ControlHandler.isControl(m)) {
        controls.onControl(m);
        return;
      }
      if (!(m instanceof InferenceCommand c)) {
        malformed.incrementAndGet();
        String correlationId = correlationIdOf(payload).orElse(null);
        String why = "expected InferenceCommand or a control command (SetInterference, SetNetwork, SetMode) but got " + m.getClass().getSimpleName();
        LOG.warn("dropped malformed command (correlationId {}): {}", correlationId, why);
        replyError(correlationId, ErrorCodes.BAD_COMMAND, "malformed command: " + why);
        return;
      }
      Optional<CommandValidator.Refusal> refusal = isFrame(c) ? frameRefusal(c) : validator.check(c);
      if (refusal.isPresent()) {
        refused.incrementAndGet();
        LOG.warn("refused command {}: {} ({})", c.correlationId(), refusal.get().message(), refusal.get().code());
        replyError(c.correlationId(), refusal.get().code(), refusal.get().message());
        return;
      }
      submit(c, receivedMono);
    } catch (RuntimeException e) {
      // Last line of defence at the adapter edge: the MQTT client must never see an exception.
      LOG.error("unexpected failure handling a command payload", e);
    }
  }

  private void submit(InferenceCommand c, long receivedMono) {
    long deadline = receivedMono + TimeUnit.MILLISECONDS.toNanos(c.timeoutMs());
    AtomicBoolean answered = new AtomicBoolean();
    ScheduledFuture<?> timeout = timer.schedule(() -> {
      if (answered.compareAndSet(false, true)) {
        timedOut.incrementAndGet();
        completed.incrementAndGet();
        LOG.warn("command {} exceeded its timeout of {} ms", c.correlationId(), c.timeoutMs());
        replies.accept(notRun(c, Outcome.TIMEOUT, "exceeded timeoutMs=" + c.timeoutMs(), receivedMono));
      }
    }, c.timeoutMs(), TimeUnit.MILLISECONDS);
    try {
      worker.execute(() -> run(c, receivedMono, deadline, answered, timeout));
      LOG.debug("queued command {} ({} on {}, batch {})", c.correlationId(), c.model(), c.target(), c.batchSize());
    } catch (RejectedExecutionException e) {
      timeout.cancel(false);
      if (answered.compareAndSet(false, true)) {
        completed.incrementAndGet();
        LOG.warn("rejected command {}: worker queue full or agent stopping", c.correlationId());
        replies.accept(notRun(c, Outcome.REJECTED, "device busy: command queue full (" + worker.getQueue().size() + " waiting) or agent stopping", receivedMono));
      }
    }
  }

  private void run(InferenceCommand c, long receivedMono, long deadline, AtomicBoolean answered, ScheduledFuture<?> timeout) {
    if (answered.get()) return; // timed out while queued
    MDC.put("device", deviceId);
    MDC.put("correlationId", c.correlationId());
    try {
      SensorNode node = sensor;
      InferenceResult r = node != null && isFrame(c) ? node.frame(c, receivedMono, deadline) : executor.execute(c, receivedMono, deadline);
      if (clock.monotonicNs() > deadline && r.outcome() == Outcome.OK) {
        r = notRun(c, Outcome.TIMEOUT, "exceeded timeoutMs=" + c.timeoutMs() + " (took " + Math.round(r.latencyMs()) + " ms)", receivedMono);
      }
      if (answered.compareAndSet(false, true)) {
        timeout.cancel(false);
        completed.incrementAndGet();
        if (r.outcome() == Outcome.TIMEOUT) timedOut.incrementAndGet();
        LOG.debug("command {} {} in {} ms", c.correlationId(), r.outcome().wireName(), r.latencyMs());
        replies.accept(r);
      } else {
        LOG.debug("command {} finished after its timeout reply; result dropped", c.correlationId());
      }
    } catch (RuntimeException e) {
      LOG.error("command {} crashed the executor", c.correlationId(), e);
      if (answered.compareAndSet(false, true)) {
        timeout.cancel(false);
        completed.incrementAndGet();
        replies.accept(notRun(c, Outcome.FAILED, "agent error: " + e, receivedMono));
      }
    } finally {
      MDC.remove("device");
      MDC.remove("correlationId");
    }
  }

  private boolean isFrame(InferenceCommand c) { return sensor != null && SensorNode.FRAME_TARGET.equals(c.target()); }

  private Optional<CommandValidator.Refusal> frameRefusal(InferenceCommand c) {
    if (!deviceId.equals(c.deviceId())) {
      return Optional.of(new CommandValidator.Refusal(ErrorCodes.BAD_COMMAND, "deviceId: command for '" + c.deviceId() + "' arrived at '" + deviceId + "'"));
    }
    if (!sensor.settings().model().equals(c.model())) {
      return Optional.of(new CommandValidator.Refusal(ErrorCodes.UNKNOWN_MODEL, "model: frames run the sensor's model '"
          + sensor.settings().model() + "', not '" + c.model() + "'"));
    }
    if (c.batchSize() != 1) return Optional.of(new CommandValidator.Refusal(ErrorCodes.BAD_COMMAND, "batchSize: a frame command has batch 1, was " + c.batchSize()));
    return Optional.empty();
  }

  private InferenceResult notRun(InferenceCommand c, Outcome outcome, String error, long receivedMono) {
    long now = clock.epochNs();
    String executedOn = c.offloaded() ? c.offloadDeviceId() : deviceId;
    return new InferenceResult(SchemaVersion.CURRENT, deviceId, now, c.correlationId(), c.model(), c.target(), c.precision(), executedOn,
        c.batchSize(), outcome, error, Math.max(0, (clock.monotonicNs() - receivedMono) / 1e6), 0, null, now, now, null, null, null, null, null);
  }

  private void replyError(String correlationId, String code, String message) {
    replies.accept(new ErrorReply(SchemaVersion.CURRENT, deviceId, clock.epochNs(), correlationId, code, message));
  }

  /** The correlation id of a payload that failed to decode, when it is at least a JSON object carrying one. */
  static Optional<String> correlationIdOf(byte[] payload) {
    if (payload == null || payload.length == 0) return Optional.empty();
    try {
      JsonNode n = WireCodec.mapper().readTree(payload);
      if (n != null && n.isObject() && n.path("correlationId").isTextual() && !n.path("correlationId").asText().isBlank()) {
        return Optional.of(n.path("correlationId").asText());
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not JSON: no correlation id to quote
    }
    return Optional.empty();
  }

  /** The {@code type} of a payload that failed to decode, when it is a JSON object carrying one. */
  static Optional<String> typeOf(byte[] payload) {
    if (payload == null || payload.length == 0) return Optional.empty();
    try {
      JsonNode n = WireCodec.mapper().readTree(payload);
      if (n != null && n.isObject() && n.path("type").isTextual()) return Optional.of(n.path("type").asText());
    } catch (java.io.IOException | RuntimeException e) {
      // not JSON
    }
    return Optional.empty();
  }

  /** Stops taking commands; the one running finishes (up to {@code waitMs}), queued ones are dropped. */
  public void shutdown(long waitMs) {
    worker.shutdownNow();
    try {
      worker.awaitTermination(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() { shutdown(5000); }
}
