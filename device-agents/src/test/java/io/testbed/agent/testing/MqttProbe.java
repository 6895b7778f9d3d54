package io.testbed.agent.testing;

import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A separate Paho client that plays the orchestrator in tests: subscribes, records what arrives, publishes commands. */
public final class MqttProbe implements AutoCloseable {
  /** One received message; {@code retained} as flagged by the broker. */
  public record Received(String topic, byte[] payload, boolean retained) {
    public Optional<WireMessage> decoded() {
      try {
        return Optional.of(WireCodec.decode(payload));
      } catch (MalformedMessageException e) {
        return Optional.empty();
      }
    }
  }

  private final MqttClient client;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public MqttProbe(String url, String... filters) throws MqttException {
    client = new MqttClient(url, "probe-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    client.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
      @Override public void connectionLost(Throwable cause) {}
      @Override public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
        received.add(new Received(topic, m.getPayload(), m.isRetained()));
      }
      @Override public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {}
    });
    client.connect(o);
    for (String f : filters) client.subscribe(f, 1);
  }

  public void publish(String topic, byte[] payload) throws MqttException {
    client.publish(topic, payload, 1, false);
  }

  public List<Received> received() { return List.copyOf(received); }

  public <T extends WireMessage> List<T> messages(String topic, Class<T> type) {
    return received.stream().filter(r -> r.topic().equals(topic)).map(Received::decoded).flatMap(Optional::stream)
        .filter(type::isInstance).map(type::cast).toList();
  }

  public List<Received> on(String topic) { return received.stream().filter(r -> r.topic().equals(topic)).toList(); }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) client.disconnect();
    client.close();
  }
}
