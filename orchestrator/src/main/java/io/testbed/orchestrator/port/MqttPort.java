package io.testbed.orchestrator.port;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The orchestrator's view of an MQTT client. Every returned stage completes normally: failures come back as
 * {@link Result.Failed} values, never as exceptions.
 */
public interface MqttPort {

  /** Outcome of an MQTT operation. */
  sealed interface Result {
    /** The operation succeeded. */
    record Ok() implements Result {}

    /** The operation failed; {@code reason} says why. */
    record Failed(String reason) implements Result {}

    static Result ok() {
      return new Ok();
    }

    default boolean isOk() {
      return this instanceof Ok;
    }
  }

  /** Receives messages and connection changes; implementations must not throw and must return quickly. */
  interface Listener {
    void messageArrived(String topic, byte[] payload);

    /** The connection was lost; the client reconnects by itself. */
    void connectionLost(String reason);

    /** The client reconnected after a loss; subscriptions must be renewed. */
    void reconnected();
  }

  /**
   * Connects (or, when already connected, just takes the new listener); the listener receives every message and
   * connection change from then on.
   */
  CompletionStage<Result> connect(Listener listener);

  CompletionStage<Result> subscribe(List<String> topicFilters, int qos);

  CompletionStage<Result> publish(String topic, byte[] payload, int qos, boolean retained);

  /** Disconnects and releases the client; completes when done. */
  CompletionStage<Result> disconnect();

  /** Whether {@link #disconnect()} was called: publishes failing from then on are the shutdown's, not errors. */
  default boolean closed() { return false; }

  /** The broker URL, for logs and health. */
  String url();
}
