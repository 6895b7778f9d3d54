package io.testbed.power.adapter.mqtt;

import io.testbed.power.port.SamplePublisher;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes batches on {@code testbed/v1/meters/{id}/power} and meter events on {@code testbed/v1/meters/{id}/events}
 * through one Paho client. The client reconnects on its own and buffers publishes while the broker is away.
 */
public final class PahoSamplePublisher implements SamplePublisher, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PahoSamplePublisher.class);

  private final MqttAsyncClient client;
  private final int qos;
  private volatile ClockProbeResponder clockResponder;

  private PahoSamplePublisher(MqttAsyncClient client, int qos) {
    this.client = client;
    this.qos = qos;
  }

  /** The topic meter failure events go to; beside the power topic (protocol has no meter-event topic yet). */
  public static String eventsTopic(String meterId) { return Topics.METERS + "/" + Topics.requireSegment(meterId) + "/events"; }

  /**
   * Connects (waiting up to {@code connectTimeoutS}) and returns the publisher; fails when the broker cannot be reached.
   *
   * @param bufferSize publishes kept while the broker is away; the oldest go first when full
   */
  public static PahoSamplePublisher connect(MqttConnection broker, String clientId, int qos, int maxInflight, int bufferSize, int connectTimeoutS)
      throws MqttException {
    if (qos < 0 || qos > 1) throw new IllegalArgumentException("qos must be 0 or 1, was " + qos);
    MqttAsyncClient c = new MqttAsyncClient(broker.url(), clientId, new MemoryPersistence());
    DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
    buffer.setBufferEnabled(true);
    buffer.setBufferSize(bufferSize);
    buffer.setPersistBuffer(false);
    buffer.setDeleteOldestMessages(true);
    c.setBufferOpts(buffer);
    PahoSamplePublisher[] self = new PahoSamplePublisher[1];
    c.setCallback(new MqttCallbackExtended() {
      @Override
      public void connectComplete(boolean reconnect, String serverURI) {
        if (reconnect) log.info("power bridge reconnected to {}", serverURI);
        if (reconnect && self[0] != null) self[0].subscribeProbes();
      }

      @Override
      public void connectionLost(Throwable cause) { log.warn("power bridge lost the broker: {}; reconnecting", cause.getMessage()); }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        if (self[0] != null) self[0].onCommand(topic, message.getPayload());
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    MqttConnectOptions o = broker.options(maxInflight, connectTimeoutS);
    o.setAutomaticReconnect(true);
    o.setMaxReconnectDelay(30_000);
    try {
      c.connect(o).waitForCompletion(connectTimeoutS * 1000L + 1000);
    } catch (MqttException e) {
      c.close(true);
      throw e;
    }
    log.info("power bridge connected to {} as {}", broker.url(), clientId);
    self[0] = new PahoSamplePublisher(c, qos);
    return self[0];
  }

  /**
   * Answers the orchestrator's clock probes for these meters: subscribes to their {@code .../commands} topics (again
   * after every reconnect) and echoes each probe at once from the MQTT callback.
   */
  public void answerClockProbes(ClockProbeResponder responder) {
    this.clockResponder = responder;
    subscribeProbes();
  }

  private void subscribeProbes() {
    ClockProbeResponder r = clockResponder;
    if (r == null || r.topics().length == 0) return;
    try {
      String[] topics = r.topics();
      int[] qoss = new int[topics.length];
      client.subscribe(topics, qoss);
      log.info("answering clock probes on {}", java.util.Arrays.toString(topics));
    } catch (MqttException e) {
      log.warn("cannot subscribe to clock probes: {}", e.getMessage());
    }
  }

  private void onCommand(String topic, byte[] payload) {
    ClockProbeResponder r = clockResponder;
    if (r == null) return;
    try {
      r.answer(topic, payload).ifPresentOrElse(
          echo -> send(Topics.meterReplies(echo.deviceId()), WireCodec.encode(echo)),
          () -> log.debug("ignored a message on {} that is not a clock probe for one of our meters", topic));
    } catch (RuntimeException e) {
      log.warn("clock probe on {}: {}", topic, e.toString());
    }
  }

  @Override
  public CompletionStage<PublishResult> publish(PowerSampleBatch batch) {
    return send(Topics.meterPower(batch.meterId()), WireCodec.encode(batch));
  }

  @Override
  public CompletionStage<PublishResult> publishEvent(String meterId, ErrorReply event) {
    return send(eventsTopic(meterId), WireCodec.encode(event));
  }

  private CompletionStage<PublishResult> send(String topic, byte[] payload) {
    CompletableFuture<PublishResult> f = new CompletableFuture<>();
    try {
      client.publish(topic, payload, qos, false, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) { f.complete(PublishResult.OK); }

        @Override
        public void onFailure(IMqttToken token, Throwable e) { f.complete(PublishResult.failed(String.valueOf(e.getMessage()))); }
      });
    } catch (MqttException | RuntimeException e) {
      f.complete(PublishResult.failed(String.valueOf(e.getMessage())));
    }
    return f;
  }

  public boolean isConnected() { return client.isConnected(); }

  @Override
  public void close() {
    try {
      if (client.isConnected()) client.disconnect(2000).waitForCompletion(3000);
    } catch (MqttException e) {
      log.debug("disconnect: {}", e.getMessage());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("close: {}", e.getMessage());
    }
  }
}
