package io.testbed.orchestrator.adapter.mqtt;

import io.testbed.protocol.transport.NoDelaySocketFactory;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.port.MqttPort;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MqttPort} on the Eclipse Paho v3 client. Blocking Paho calls run on the given executor (a dedicated dispatcher);
 * every failure comes back as a {@link Result.Failed} value.
 */
public final class PahoMqttPort implements MqttPort {
  private static final Logger log = LoggerFactory.getLogger(PahoMqttPort.class);

  private final String url;
  private volatile boolean closed;
  private final OrchestratorSettings.Mqtt settings;
  private final Executor blocking;
  private volatile MqttClient client;

  public PahoMqttPort(String url, OrchestratorSettings.Mqtt settings, Executor blocking) {
    this.url = url;
    this.settings = settings;
    this.blocking = blocking;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public CompletionStage<Result> connect(Listener listener) {
    return run("connect to " + url, () -> {
      if (client == null) {
        client = new MqttClient(url, settings.clientId(), new MemoryPersistence());
        // a broker that never acknowledges must not hold a dispatcher thread forever
        client.setTimeToWait(settings.connectTimeout().toMillis());
      }
      // a restarted connection actor brings a new listener; the client may still be connected
      client.setCallback(new Callback(listener));
      if (!client.isConnected()) client.connect(options());
    });
  }

  @Override
  public CompletionStage<Result> subscribe(List<String> topicFilters, int qos) {
    return run("subscribe " + topicFilters, () -> {
      int[] qosArray = new int[topicFilters.size()];
      java.util.Arrays.fill(qosArray, qos);
      requireClient().subscribe(topicFilters.toArray(String[]::new), qosArray);
    });
  }

  @Override
  public CompletionStage<Result> publish(String topic, byte[] payload, int qos, boolean retained) {
    return run("publish to " + topic, () -> requireClient().publish(topic, payload, qos, retained));
  }

  @Override
  public boolean closed() { return closed; }

  @Override
  public CompletionStage<Result> disconnect() {
    closed = true;
    return run("disconnect", () -> {
      MqttClient c = client;
      if (c == null) return;
      try {
        if (c.isConnected()) c.disconnect(2000);
      } finally {
        c.close(true);
        client = null;
      }
    });
  }

  private MqttClient requireClient() throws MqttException {
    MqttClient c = client;
    if (c == null) throw new MqttException(MqttException.REASON_CODE_CLIENT_NOT_CONNECTED);
    return c;
  }

  private MqttConnectOptions options() throws Exception {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setCleanSession(true);
    o.setAutomaticReconnect(true);
    o.setMaxInflight(settings.maxInflight());
    o.setKeepAliveInterval((int) Math.max(1, settings.keepAlive().toSeconds()));
    o.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
    settings.username().ifPresent(o::setUserName);
    settings.password().ifPresent(p -> o.setPassword(p.toCharArray()));
    if (settings.tlsCaFile().isPresent()) o.setSocketFactory(socketFactory(settings.tlsCaFile().get()));
    else if (url.startsWith("tcp://")) o.setSocketFactory(new NoDelaySocketFactory());
    return o;
  }

  /** Trusts the broker certificates signed by the CA in the given PEM file. */
  static SSLSocketFactory socketFactory(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx.getSocketFactory();
  }

  private interface Call {
    void run() throws Exception;
  }

  private CompletionStage<Result> run(String what, Call call) {
    Supplier<Result> task = () -> {
      try {
        call.run();
        return Result.ok();
      } catch (MqttException e) {
        return new Result.Failed(what + " failed: " + e.getMessage() + " (reason code " + e.getReasonCode() + ")");
      } catch (Exception e) {
        return new Result.Failed(what + " failed: " + e);
      }
    };
    try {
      return CompletableFuture.supplyAsync(task, blocking);
    } catch (RuntimeException e) { // executor shut down
      return CompletableFuture.completedFuture(new Result.Failed(what + " not attempted: " + e));
    }
  }

  /** Paho callbacks only hand over; they never throw back into Paho. */
  private static final class Callback implements MqttCallbackExtended {
    private final Listener listener;

    Callback(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
      if (reconnect) safely(listener::reconnected);
    }

    @Override
    public void connectionLost(Throwable cause) {
      safely(() -> listener.connectionLost(String.valueOf(cause)));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      safely(() -> listener.messageArrived(topic, message.getPayload()));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}

    private static void safely(Runnable r) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.error("MQTT listener threw; message dropped", e);
      }
    }
  }
}
