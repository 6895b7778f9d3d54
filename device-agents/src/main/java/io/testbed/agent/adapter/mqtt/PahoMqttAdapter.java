package io.testbed.agent.adapter.mqtt;

import io.testbed.agent.config.MqttSettings;
import io.testbed.agent.port.MqttPort;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MqttPort} on the Paho v3 async client: clean session, automatic reconnect, raised in-flight window,
 * credentials and TLS from {@link MqttSettings}, an offline buffer after the first connection, and retries of the
 * first connection (Paho's automatic reconnect only covers connections that once succeeded).
 */
public final class PahoMqttAdapter implements MqttPort {
  private static final Logger LOG = LoggerFactory.getLogger(PahoMqttAdapter.class);

  private final MqttSettings settings;
  private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "mqtt-connect-retry");
    t.setDaemon(true);
    return t;
  });
  private volatile MqttAsyncClient client;
  private volatile boolean closed;

  public PahoMqttAdapter(MqttSettings settings) {
    this.settings = settings;
  }

  @Override
  public void start(String clientId, Will will, Listener listener) {
    try {
      client = new MqttAsyncClient(settings.brokerUrl(), clientId, new MemoryPersistence());
    } catch (MqttException e) {
      throw new IllegalArgumentException("cannot create MQTT client for " + settings.brokerUrl() + ": " + e.getMessage(), e);
    }
    DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
    buffer.setBufferEnabled(true);
    buffer.setBufferSize(settings.offlineBuffer());
    buffer.setDeleteOldestMessages(true);
    buffer.setPersistBuffer(false);
    client.setBufferOpts(buffer);
    client.setCallback(new MqttCallbackExtended() {
      @Override
      public void connectComplete(boolean reconnect, String serverURI) {
        LOG.info("{} to {}", reconnect ? "reconnected" : "connected", serverURI);
        listener.onConnected(reconnect);
      }

      @Override
      public void connectionLost(Throwable cause) {
        LOG.warn("connection to {} lost: {}", settings.brokerUrl(), cause == null ? "unknown" : cause.toString());
        listener.onConnectionLost(cause == null ? "unknown" : cause.toString());
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        listener.onMessage(topic, message.getPayload());
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    MqttConnectOptions options = options(will);
    connect(options, 0);
  }

  MqttConnectOptions options(Will will) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setAutomaticReconnect(true);
    o.setMaxReconnectDelay(30_000);
    o.setMaxInflight(settings.maxInflight());
    o.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
    o.setConnectionTimeout((int) Math.max(1, settings.connectionTimeout().toSeconds()));
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    if (settings.hasCredentials()) {
      o.setUserName(settings.username());
      o.setPassword(settings.password().toCharArray());
    }
    if (settings.tls().configured()) o.setSocketFactory(TlsSocketFactories.create(settings.tls()));
    // Nagle off on plain TCP: small MQTT packets otherwise wait for delayed ACKs (~40 ms per command round trip).
    else if (settings.brokerUrl().startsWith("tcp://")) o.setSocketFactory(new io.testbed.protocol.transport.NoDelaySocketFactory());
    if (will != null) o.setWill(will.topic(), will.payload(), will.qos(), will.retained());
    return o;
  }

  private void connect(MqttConnectOptions options, int attempt) {
    if (closed) return;
    try {
      client.connect(options, null, new IMqttActionListener() {
        @Override
        public void onSuccess(IMqttToken token) {}

        @Override
        public void onFailure(IMqttToken token, Throwable e) {
          if (closed) return;
          LOG.warn("cannot connect to {} (attempt {}): {}; retrying in {}", settings.brokerUrl(), attempt + 1, e, settings.connectRetry());
          retry.schedule(() -> connect(options, attempt + 1), settings.connectRetry().toMillis(), TimeUnit.MILLISECONDS);
        }
      });
    } catch (MqttException e) {
      LOG.warn("cannot connect to {}: {}; retrying in {}", settings.brokerUrl(), e, settings.connectRetry());
      retry.schedule(() -> connect(options, attempt + 1), settings.connectRetry().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public CompletionStage<Delivery> publish(String topic, byte[] payload, int qos, boolean retained) {
    CompletableFuture<Delivery> f = new CompletableFuture<>();
    MqttAsyncClient c = client;
    if (c == null || closed) return CompletableFuture.completedFuture(Delivery.failed("not started or closed"));
    try {
      c.publish(topic, payload, qos, retained, null, listener(f));
    } catch (MqttException | RuntimeException e) {
      LOG.debug("publish to {} failed: {}", topic, e.toString());
      f.complete(Delivery.failed(e.toString()));
    }
    return f;
  }

  @Override
  public CompletionStage<Delivery> subscribe(String topicFilter, int qos) {
    CompletableFuture<Delivery> f = new CompletableFuture<>();
    MqttAsyncClient c = client;
    if (c == null || closed) return CompletableFuture.completedFuture(Delivery.failed("not started or closed"));
    try {
      c.subscribe(topicFilter, qos, null, listener(f));
    } catch (MqttException | RuntimeException e) {
      f.complete(Delivery.failed(e.toString()));
    }
    return f;
  }

  private static IMqttActionListener listener(CompletableFuture<Delivery> f) {
    return new IMqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) { f.complete(Delivery.delivered()); }

      @Override
      public void onFailure(IMqttToken token, Throwable e) { f.complete(Delivery.failed(String.valueOf(e))); }
    };
  }

  @Override
  public boolean isConnected() {
    MqttAsyncClient c = client;
    return c != null && c.isConnected();
  }

  @Override
  public void close() {
    closed = true;
    retry.shutdownNow();
    MqttAsyncClient c = client;
    if (c == null) return;
    try {
      if (c.isConnected()) c.disconnect(2000).waitForCompletion(3000);
    } catch (MqttException e) {
      LOG.debug("disconnect: {}", e.toString());
    }
    try {
      c.close(true);
    } catch (MqttException e) {
      LOG.debug("close: {}", e.toString());
    }
  }
}
