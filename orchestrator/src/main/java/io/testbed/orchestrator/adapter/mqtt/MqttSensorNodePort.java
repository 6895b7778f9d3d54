package io.testbed.orchestrator.adapter.mqtt;

import io.testbed.orchestrator.port.MqttPort;
import io.testbed.orchestrator.port.SensorNodePort;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.SetMode;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SensorNodePort} over MQTT: publishes SetMode and frame commands on the node's commands topic and matches
 * ControlAcks, InferenceResults and ErrorReplies on its replies topic by correlation id. Uses its own MQTT client
 * (an {@link MqttPort}), so a thermal run does not queue behind other traffic.
 */
public final class MqttSensorNodePort implements SensorNodePort, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MqttSensorNodePort.class);

  private final MqttPort mqtt;
  private final String deviceId;
  private final String prefix;
  private final Clock clock;
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, CompletableFuture<WireMessage>> pending = new ConcurrentHashMap<>();

  /** Connects {@code mqtt} and subscribes to the node's replies; throws when that fails within {@code timeout}. */
  public MqttSensorNodePort(MqttPort mqtt, String deviceId, String runId, Clock clock, Duration timeout) {
    this.mqtt = mqtt;
    this.deviceId = deviceId;
    this.prefix = runId + "-";
    this.clock = clock;
    MqttPort.Listener listener = new MqttPort.Listener() {
      @Override
      public void messageArrived(String topic, byte[] payload) { onReply(payload); }

      @Override
      public void connectionLost(String reason) { LOG.warn("thermal link to {} lost: {}", deviceId, reason); }

      @Override
      public void reconnected() { mqtt.subscribe(List.of(Topics.replies(deviceId)), 1); }
    };
    MqttPort.Result c = join(mqtt.connect(listener).toCompletableFuture(), timeout);
    if (!c.isOk()) throw new IllegalStateException("cannot connect to the broker " + mqtt.url() + ": " + c);
    MqttPort.Result s = join(mqtt.subscribe(List.of(Topics.replies(deviceId)), 1).toCompletableFuture(), timeout);
    if (!s.isOk()) throw new IllegalStateException("cannot subscribe to " + Topics.replies(deviceId) + ": " + s);
  }

  private static MqttPort.Result join(CompletableFuture<MqttPort.Result> f, Duration timeout) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new MqttPort.Result.Failed("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      return new MqttPort.Result.Failed(e.toString());
    }
  }

  private void onReply(byte[] payload) {
    try {
      WireMessage m = WireCodec.decode(payload);
      String corr = m instanceof ControlAck a ? a.correlationId()
          : m instanceof InferenceResult r ? r.correlationId()
          : m instanceof ErrorReply e ? e.correlationId() : null;
      CompletableFuture<WireMessage> f = corr == null ? null : pending.remove(corr);
      if (f != null) f.complete(m);
    } catch (MalformedMessageException e) {
      LOG.warn("malformed reply from {}: {}", deviceId, e.getMessage());
    }
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private WireMessage request(String corr, WireMessage command, Duration timeout) {
    CompletableFuture<WireMessage> f = new CompletableFuture<>();
    pending.put(corr, f);
    MqttPort.Result sent = join(mqtt.publish(Topics.commands(deviceId), WireCodec.encode(command), 1, false).toCompletableFuture(), timeout);
    if (!sent.isOk()) {
      pending.remove(corr);
      LOG.warn("cannot publish to {}: {}", deviceId, sent);
      return null;
    }
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    } finally {
      pending.remove(corr);
    }
  }

  @Override
  public Ack setMode(String mode, String farDeviceId, String farUrl, Duration timeout) {
    String corr = prefix + "mode-" + seq.incrementAndGet();
    WireMessage m = request(corr, new SetMode(SchemaVersion.CURRENT, deviceId, nowNs(), corr, mode, farDeviceId, farUrl), timeout);
    if (m instanceof ControlAck a) return new Ack(a.applied(), a.error(), a.settings());
    return new Ack(false, m == null ? "no ControlAck from " + deviceId + " within " + timeout.toMillis() + " ms" : "unexpected reply " + m, Map.of());
  }

  @Override
  public Ack setEnvironment(double ambientC, double lighting, Duration timeout) {
    return setMode("env", null, String.format(Locale.ROOT, "ambientC=%s&lighting=%s", ambientC, lighting), timeout);
  }

  @Override
  public InferenceResult frame(long index, String model, Duration timeout) {
    String corr = prefix + "frame-" + seq.incrementAndGet();
    WireMessage m = request(corr, new InferenceCommand(SchemaVersion.CURRENT, deviceId, nowNs(), corr, model, "frame", Precision.FP32, 1, index,
        null, null, null, Math.max(1, timeout.toMillis())), timeout.plusSeconds(1));
    if (m instanceof InferenceResult r) return r;
    if (m instanceof ErrorReply e) LOG.warn("frame {} refused by {}: {} {}", index, deviceId, e.code(), e.message());
    return null;
  }

  @Override
  public void close() { mqtt.disconnect().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> MqttPort.Result.ok()).join(); }
}
