package io.testbed.agent.port;

import java.util.concurrent.CompletionStage;

/**
 * The agent's one MQTT connection. Implementations keep reconnecting on their own; their futures never fail (errors
 * come back as {@link Delivery} values) and listener callbacks arrive on the client's threads, so listeners must only
 * hand work off, never block or throw.
 */
public interface MqttPort extends AutoCloseable {
  /** Starts connecting with {@code will} registered as the last will; returns at once. */
  void start(String clientId, Will will, Listener listener);

  CompletionStage<Delivery> publish(String topic, byte[] payload, int qos, boolean retained);

  CompletionStage<Delivery> subscribe(String topicFilter, int qos);

  boolean isConnected();

  /** Disconnects cleanly (the broker does not publish the last will) and releases the client. */
  @Override
  void close();

  /** The message the broker publishes for us when the connection dies without a clean disconnect. */
  record Will(String topic, byte[] payload, int qos, boolean retained) {}

  /** Outcome of a publish or subscribe; {@code error} is null when it went through. */
  record Delivery(boolean ok, String error) {
    public static Delivery delivered() { return new Delivery(true, null); }

    public static Delivery failed(String error) { return new Delivery(false, error); }
  }

  /** Connection events and inbound messages. */
  interface Listener {
    /** Called after each successful (re)connection; subscriptions must be (re)made from here (clean sessions). */
    void onConnected(boolean reconnect);

    void onConnectionLost(String reason);

    void onMessage(String topic, byte[] payload);
  }
}
