package io.testbed.orchestrator;

import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A test-side device speaking the real protocol over a real broker: retained hello and online state with an offline
 * last will, heartbeats every 300 ms, and answers to inference commands (ok results, or an error reply for the model
 * named {@code broken}; none for {@code silent}).
 */
public final class FakeDevice implements AutoCloseable {
  private final Hello hello;
  private final MqttClient client;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong seq = new AtomicLong();
  private volatile long replyDelayMs;
  public final List<InferenceCommand> commands = new CopyOnWriteArrayList<>();

  private FakeDevice(Hello hello, MqttClient client) {
    this.hello = hello;
    this.client = client;
  }

  /** Answers every later command after {@code ms} milliseconds (0: at once). */
  public FakeDevice replyAfter(long ms) {
    replyDelayMs = ms;
    return this;
  }

  public static FakeDevice start(String brokerUrl, Hello hello) throws MqttException {
    return start(brokerUrl, hello, o -> {});
  }

  /** As {@link #start(String, Hello)}, with extra connect options (credentials, TLS). */
  public static FakeDevice start(String brokerUrl, Hello hello, java.util.function.Consumer<MqttConnectOptions> options)
      throws MqttException {
    String id = hello.deviceId();
    MqttClient client = new MqttClient(brokerUrl, "fake-" + id + "-" + System.nanoTime(), new MemoryPersistence());
    client.setTimeToWait(10_000);
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    o.setWill(Topics.state(id), WireCodec.encode(State.offline(id, Fixtures.T0)), 1, true);
    if (brokerUrl.startsWith("tcp://")) o.setSocketFactory(new io.testbed.protocol.transport.NoDelaySocketFactory());
    options.accept(o);
    client.connect(o);
    FakeDevice device = new FakeDevice(hello, client);
    client.subscribe(Topics.commands(id), 1, (topic, message) -> {
      InferenceCommand c = WireCodec.decode(message.getPayload(), InferenceCommand.class);
      device.commands.add(c);
      // never block Paho's callback thread
      if (device.replyDelayMs > 0) device.executor.schedule(() -> device.answer(c), device.replyDelayMs, TimeUnit.MILLISECONDS);
      else device.executor.execute(() -> device.answer(c));
    });
    device.publish(Topics.hello(id), hello, true);
    device.publish(Topics.state(id), State.online(id, Fixtures.T0), true);
    device.executor.scheduleAtFixedRate(device::heartbeat, 0, 300, TimeUnit.MILLISECONDS);
    return device;
  }

  private void answer(InferenceCommand c) {
    if ("silent".equals(c.model())) return;
    WireMessage reply = "broken".equals(c.model())
        ? new ErrorReply(SchemaVersion.CURRENT, hello.deviceId(), c.timestampNs(), c.correlationId(), "model-failed",
            "model 'broken' cannot load")
        : Fixtures.okResult(c, 2.0 + (commands.size() % 5));
    publish(Topics.replies(hello.deviceId()), reply, false);
  }

  private void heartbeat() {
    publish(Topics.heartbeat(hello.deviceId()), Fixtures.heartbeat(hello.deviceId(), seq.incrementAndGet()), false);
  }

  private void publish(String topic, WireMessage m, boolean retained) {
    publishRaw(topic, WireCodec.encode(m), retained);
  }

  public void publishRaw(String topic, byte[] payload, boolean retained) {
    try {
      client.publish(topic, payload, 1, retained);
    } catch (MqttException e) {
      if (client.isConnected()) throw new IllegalStateException(e);
    }
  }

  public String id() {
    return hello.deviceId();
  }

  /** Drops the connection without a DISCONNECT packet, so the broker publishes the last will (offline). */
  public void crash() throws MqttException {
    executor.shutdownNow();
    client.disconnectForcibly(0, 100, false);
    client.close(true);
  }

  /** Stops heartbeats but stays connected (tests the missed-heartbeat path). */
  public void stopHeartbeats() {
    executor.shutdownNow();
  }

  @Override
  public void close() throws MqttException {
    executor.shutdownNow();
    if (client.isConnected()) {
      publish(Topics.state(hello.deviceId()), State.offline(hello.deviceId(), Fixtures.T0), true);
      client.disconnect();
    }
    client.close(true);
  }
}
