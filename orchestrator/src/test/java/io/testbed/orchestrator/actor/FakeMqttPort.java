package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.port.MqttPort;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory {@link MqttPort}: records subscriptions and publishes, lets a test fail connects and inject messages. */
final class FakeMqttPort implements MqttPort {
  record Published(String topic, byte[] payload, int qos, boolean retained) {}

  final List<Published> published = new CopyOnWriteArrayList<>();
  final List<List<String>> subscriptions = new CopyOnWriteArrayList<>();
  final AtomicInteger connectAttempts = new AtomicInteger();
  volatile int failConnects;
  volatile boolean connected;
  volatile boolean failPublishes;
  volatile boolean closed;
  volatile Listener listener;

  @Override
  public CompletionStage<Result> connect(Listener listener) {
    this.listener = listener;
    if (connectAttempts.incrementAndGet() <= failConnects) return done(new Result.Failed("connection refused"));
    connected = true;
    return done(Result.ok());
  }

  @Override
  public CompletionStage<Result> subscribe(List<String> topicFilters, int qos) {
    if (!connected) return done(new Result.Failed("not connected"));
    subscriptions.add(List.copyOf(topicFilters));
    return done(Result.ok());
  }

  @Override
  public CompletionStage<Result> publish(String topic, byte[] payload, int qos, boolean retained) {
    if (!connected || failPublishes) return done(new Result.Failed("not connected"));
    published.add(new Published(topic, payload, qos, retained));
    return done(Result.ok());
  }

  @Override
  public boolean closed() { return closed; }

  @Override
  public CompletionStage<Result> disconnect() {
    closed = true;
    connected = false;
    return done(Result.ok());
  }

  @Override
  public String url() {
    return "tcp://fake:1883";
  }

  void deliver(String topic, byte[] payload) {
    listener.messageArrived(topic, payload);
  }

  void dropConnection() {
    connected = false;
    listener.connectionLost("broker went away");
  }

  void reconnect() {
    connected = true;
    listener.reconnected();
  }

  private static CompletionStage<Result> done(Result r) {
    return CompletableFuture.completedFuture(r);
  }
}
