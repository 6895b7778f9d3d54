package io.testbed.agent.testing;

import io.testbed.agent.port.MqttPort;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory {@link MqttPort}: records publishes and subscriptions; tests deliver inbound messages with {@link #deliver}. */
public final class FakeMqttPort implements MqttPort {
  /** One recorded publish. */
  public record Published(String topic, byte[] payload, int qos, boolean retained) {
    public WireMessage decode() {
      try {
        return WireCodec.decode(payload);
      } catch (MalformedMessageException e) {
        throw new AssertionError("agent published an invalid message on " + topic + ": " + e.getMessage(), e);
      }
    }
  }

  private final List<Published> published = new CopyOnWriteArrayList<>();
  private final List<String> subscriptions = new CopyOnWriteArrayList<>();
  private volatile Listener listener;
  private volatile Will will;
  private volatile boolean connected;
  private volatile boolean closed;

  @Override
  public void start(String clientId, Will will, Listener listener) {
    this.will = will;
    this.listener = listener;
    connected = true;
    listener.onConnected(false);
  }

  @Override
  public CompletionStage<Delivery> publish(String topic, byte[] payload, int qos, boolean retained) {
    published.add(new Published(topic, payload, qos, retained));
    return CompletableFuture.completedFuture(Delivery.delivered());
  }

  @Override
  public CompletionStage<Delivery> subscribe(String topicFilter, int qos) {
    subscriptions.add(topicFilter);
    return CompletableFuture.completedFuture(Delivery.delivered());
  }

  @Override
  public boolean isConnected() { return connected && !closed; }

  @Override
  public void close() {
    closed = true;
    connected = false;
  }

  /** Simulates a message from the broker. */
  public void deliver(String topic, byte[] payload) { listener.onMessage(topic, payload); }

  /** Simulates a reconnection. */
  public void reconnect() { listener.onConnected(true); }

  public Will will() { return will; }

  public boolean closed() { return closed; }

  public List<String> subscriptions() { return List.copyOf(subscriptions); }

  public List<Published> published() { return List.copyOf(published); }

  public List<WireMessage> messagesOn(String topic) {
    List<WireMessage> out = new ArrayList<>();
    for (Published p : published) if (p.topic().equals(topic)) out.add(p.decode());
    return out;
  }

  public <T extends WireMessage> List<T> messagesOn(String topic, Class<T> type) {
    return messagesOn(topic).stream().filter(type::isInstance).map(type::cast).toList();
  }
}
