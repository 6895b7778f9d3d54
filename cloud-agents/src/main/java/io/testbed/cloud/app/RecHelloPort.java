package io.testbed.cloud.app;

import io.testbed.agent.port.MqttPort;
import io.testbed.protocol.Hello;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.ModelInfo;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Wraps the agent's MQTT port so its hello also lists the recommendation models the server serves (family
 * {@code recommendation}): the device agent runtime builds its hello from the vision zoo only, and the orchestrator
 * learns from the hello which server serves which model.
 */
final class RecHelloPort implements MqttPort {
  private final MqttPort delegate;
  private final String helloTopic;
  private final List<ModelInfo> extra;

  RecHelloPort(MqttPort delegate, String deviceId, List<ModelInfo> extra) {
    this.delegate = delegate;
    this.helloTopic = Topics.hello(deviceId);
    this.extra = List.copyOf(extra);
  }

  /** The hello with the recommendation models appended (those already listed are kept once). */
  static Hello withModels(Hello h, List<ModelInfo> extra) {
    List<ModelInfo> models = new ArrayList<>(h.models());
    for (ModelInfo m : extra) if (models.stream().noneMatch(x -> x.name().equals(m.name()))) models.add(m);
    return new Hello(h.schemaVersion(), h.deviceId(), h.timestampNs(), h.kind(), h.profile(), h.emulated(), h.targets(), models, h.sensors(),
        h.software(), h.endpoint(), h.notes());
  }

  @Override public void start(String clientId, Will will, Listener listener) { delegate.start(clientId, will, listener); }

  @Override
  public CompletionStage<Delivery> publish(String topic, byte[] payload, int qos, boolean retained) {
    if (topic.equals(helloTopic) && !extra.isEmpty()) {
      try {
        payload = WireCodec.encode(withModels(WireCodec.decode(payload, Hello.class), extra));
      } catch (MalformedMessageException e) {
        throw new IllegalStateException("the agent's own hello does not decode: " + e.getMessage(), e);
      }
    }
    return delegate.publish(topic, payload, qos, retained);
  }

  @Override public CompletionStage<Delivery> subscribe(String topicFilter, int qos) { return delegate.subscribe(topicFilter, qos); }

  @Override public boolean isConnected() { return delegate.isConnected(); }

  @Override public void close() { delegate.close(); }
}
