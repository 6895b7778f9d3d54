package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.port.MqttPort;
import io.testbed.protocol.ClockEcho;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.MalformedMessageException;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The one actor that owns the MQTT client connection: disconnected -> connecting -> connected, stashing publishes
 * while not connected. It subscribes to every device and meter topic, decodes payloads and routes them to the device
 * registry; payloads it cannot use go to the device's twin as {@link DeviceTwin.MalformedReceived} (counted there,
 * logged at WARN) and are dropped.
 */
public final class MqttConnection {

  /** Messages of the MQTT connection actor. */
  public sealed interface Command extends JsonSerializable {}

  /** Publishes a wire message; {@code replyTo} (may be null) hears whether the broker took it. */
  public record Publish(String topic, WireMessage message, int qos, boolean retained, ActorRef<PublishResult> replyTo)
      implements Command {}

  /** Whether a publish reached the broker; {@code failure} is null when it did. */
  public record PublishResult(String topic, String failure) implements JsonSerializable {}

  public record GetStatus(ActorRef<ConnectionStatus> replyTo) implements Command {}

  /** Connection state for health: {@code unattributedMalformed} counts unusable payloads no device id could be read from. */
  public record ConnectionStatus(String url, boolean connected, long unattributedMalformed) implements JsonSerializable {}

  /** Raw message from the broker, as the Paho callback handed it over, with its arrival time (epoch ns, system clock). */
  record Received(String topic, byte[] payload, long arrivalNs) implements Command {
    @Override
    public boolean equals(Object o) {
      return o instanceof Received r && r.topic.equals(topic) && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
      return topic.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Received[" + topic + ", " + payload.length + " bytes]";
    }
  }

  record ConnectAttempted(String failure) implements Command {}

  record SubscribeAttempted(String failure) implements Command {}

  record Published(Publish publish, String failure) implements Command {}

  record ConnectionLost(String reason) implements Command {}

  record Reconnected() implements Command {}

  record Retry() implements Command {}

  /** Topic filters the orchestrator listens to. */
  public static final List<String> SUBSCRIPTIONS =
      List.of(Topics.ALL_HELLO, Topics.ALL_STATE, Topics.ALL_TELEMETRY, Topics.ALL_REPLIES, Topics.ALL_METER_POWER,
          Topics.ALL_METER_REPLIES);

  public static Behavior<Command> create(
      MqttPort port, OrchestratorSettings.Mqtt settings, ActorRef<DeviceRegistry.Command> registry) {
    return Behaviors.withStash(settings.publishBuffer(), stash -> Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
      MqttConnection c = new MqttConnection(ctx, stash, timers, port, settings, registry);
      return c.connect();
    })));
  }

  private final ActorContext<Command> ctx;
  private final StashBuffer<Command> stash;
  private final TimerScheduler<Command> timers;
  private final MqttPort port;
  private final OrchestratorSettings.Mqtt settings;
  private final ActorRef<DeviceRegistry.Command> registry;
  private final MqttPort.Listener listener;
  private long unattributedMalformed;

  private MqttConnection(
      ActorContext<Command> ctx,
      StashBuffer<Command> stash,
      TimerScheduler<Command> timers,
      MqttPort port,
      OrchestratorSettings.Mqtt settings,
      ActorRef<DeviceRegistry.Command> registry) {
    this.ctx = ctx;
    this.stash = stash;
    this.timers = timers;
    this.port = port;
    this.settings = settings;
    this.registry = registry;
    ActorRef<Command> self = ctx.getSelf();
    this.listener = new MqttPort.Listener() {
      @Override
      public void messageArrived(String topic, byte[] payload) {
        java.time.Instant now = java.time.Instant.now();  // clock echoes need the arrival before the mailbox hops
        self.tell(new Received(topic, payload, now.getEpochSecond() * 1_000_000_000L + now.getNano()));
      }

      @Override
      public void connectionLost(String reason) {
        self.tell(new ConnectionLost(reason));
      }

      @Override
      public void reconnected() {
        self.tell(new Reconnected());
      }
    };
  }

  // --- disconnected / connecting ------------------------------------------------------------------------------

  /** Starts (or retries) the first connect; Paho reconnects by itself once a connection has existed. */
  private Behavior<Command> connect() {
    ctx.getLog().info("Connecting to MQTT broker {}", port.url());
    ctx.pipeToSelf(port.connect(listener), (r, ex) -> new ConnectAttempted(failure(r, ex)));
    return connecting();
  }

  private Behavior<Command> connecting() {
    return Behaviors.receive(Command.class)
        .onMessage(ConnectAttempted.class, this::onConnectAttempted)
        .onMessage(SubscribeAttempted.class, this::onSubscribeAttempted)
        .onMessage(Retry.class, m -> connect())
        .onMessage(Reconnected.class, this::onReconnected)
        .onMessage(ConnectionLost.class, m -> Behaviors.same())
        .onMessage(Received.class, this::onReceived)
        .onMessage(GetStatus.class, m -> onGetStatus(m, false))
        .onMessage(Publish.class, this::onPublishWhileDisconnected)
        .onMessage(Published.class, this::onPublished)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onConnectAttempted(ConnectAttempted m) {
    if (m.failure() != null) {
      ctx.getLog().warn("MQTT connect to {} failed: {}; retrying in {}", port.url(), m.failure(), settings.connectRetry());
      timers.startSingleTimer("retry", new Retry(), settings.connectRetry());
      return Behaviors.same();
    }
    return subscribe();
  }

  private Behavior<Command> onReconnected(Reconnected m) {
    ctx.getLog().info("Reconnected to MQTT broker {}; renewing subscriptions", port.url());
    return subscribe();
  }

  private Behavior<Command> subscribe() {
    ctx.pipeToSelf(port.subscribe(SUBSCRIPTIONS, 1), (r, ex) -> new SubscribeAttempted(failure(r, ex)));
    return connecting();
  }

  private Behavior<Command> onSubscribeAttempted(SubscribeAttempted m) {
    if (m.failure() != null) {
      ctx.getLog().warn("MQTT subscribe failed: {}; retrying in {}", m.failure(), settings.connectRetry());
      timers.startSingleTimer("retry", new Retry(), settings.connectRetry());
      return Behaviors.same();
    }
    ctx.getLog().info("Connected to MQTT broker {}; subscribed to {}", port.url(), SUBSCRIPTIONS);
    return stash.unstashAll(connected());
  }

  private Behavior<Command> onPublishWhileDisconnected(Publish m) {
    if (stash.isFull()) {
      ctx.getLog().warn("MQTT not connected and {} publishes waiting: dropping publish to {}", settings.publishBuffer(), m.topic());
      if (m.replyTo() != null) m.replyTo().tell(new PublishResult(m.topic(), "not connected and the publish buffer is full"));
    } else {
      stash.stash(m);
    }
    return Behaviors.same();
  }

  // --- connected ------------------------------------------------------------------------------------------------

  private Behavior<Command> connected() {
    return Behaviors.receive(Command.class)
        .onMessage(Publish.class, this::onPublish)
        .onMessage(Published.class, this::onPublished)
        .onMessage(Received.class, this::onReceived)
        .onMessage(ConnectionLost.class, this::onConnectionLost)
        .onMessage(Reconnected.class, this::onReconnected)
        .onMessage(GetStatus.class, m -> onGetStatus(m, true))
        .onMessage(ConnectAttempted.class, m -> Behaviors.same())
        .onMessage(SubscribeAttempted.class, m -> Behaviors.same())
        .onMessage(Retry.class, m -> Behaviors.same())
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onPublish(Publish m) {
    ctx.getLog().debug("Publishing {} to {}", m.message().getClass().getSimpleName(), m.topic());
    ctx.pipeToSelf(port.publish(m.topic(), WireCodec.encode(m.message()), m.qos(), m.retained()),
        (r, ex) -> new Published(m, failure(r, ex)));
    return Behaviors.same();
  }

  private Behavior<Command> onPublished(Published m) {
    if (m.failure() != null && port.closed()) {
      ctx.getLog().debug("Publish to {} dropped: the connection is closing ({})", m.publish().topic(), m.failure());
    } else if (m.failure() != null) {
      ctx.getLog().warn("Publish to {} failed: {}", m.publish().topic(), m.failure());
    }
    if (m.publish().replyTo() != null) m.publish().replyTo().tell(new PublishResult(m.publish().topic(), m.failure()));
    return Behaviors.same();
  }

  private Behavior<Command> onConnectionLost(ConnectionLost m) {
    ctx.getLog().warn("Lost the MQTT connection to {}: {}; waiting for the client to reconnect", port.url(), m.reason());
    return connecting();
  }

  private Behavior<Command> onGetStatus(GetStatus m, boolean connected) {
    m.replyTo().tell(new ConnectionStatus(port.url(), connected, unattributedMalformed));
    return Behaviors.same();
  }

  private Behavior<Command> onPostStop() {
    port.disconnect();
    return Behaviors.same();
  }

  // --- inbound --------------------------------------------------------------------------------------------------

  private Behavior<Command> onReceived(Received m) {
    Optional<Topics.DeviceTopic> deviceTopic = Topics.parseDevice(m.topic());
    if (deviceTopic.isPresent()) {
      routeDeviceMessage(deviceTopic.get(), m.payload(), m.arrivalNs());
      return Behaviors.same();
    }
    Optional<Topics.MeterTopic> meterTopic = Topics.parseMeterTopic(m.topic());
    if (meterTopic.isPresent() && "replies".equals(meterTopic.get().channel())) {
      routeMeterEcho(meterTopic.get().meterId(), m.payload(), m.arrivalNs());
      return Behaviors.same();
    }
    Optional<String> meter = Topics.parseMeter(m.topic());
    if (meter.isPresent()) {
      routeMeterMessage(meter.get(), m.topic(), m.payload());
      return Behaviors.same();
    }
    unattributedMalformed++;
    ctx.getLog().warn("Dropped a message on unexpected topic {}", m.topic());
    return Behaviors.same();
  }

  private void routeDeviceMessage(Topics.DeviceTopic t, byte[] payload, long arrivalNs) {
    WireMessage msg;
    try {
      msg = WireCodec.decode(payload);
    } catch (MalformedMessageException e) {
      malformed(t.deviceId(), classify(e.getMessage(), payload), e.getMessage());
      return;
    }
    if (!msg.deviceId().equals(t.deviceId())) {
      malformed(t.deviceId(), "wrong-device",
          "message names device '" + msg.deviceId() + "' but came on the topic of '" + t.deviceId() + "'");
      return;
    }
    if (msg instanceof ClockEcho echo && "replies".equals(t.channel())) {
      registry.tell(new DeviceRegistry.ToPower(new PowerKeeper.EchoReceived("device", t.deviceId(), echo, arrivalNs)));
      return;
    }
    DeviceTwin.Command command = toTwinCommand(t, msg);
    if (command == null) {
      malformed(t.deviceId(), "unexpected-type", "a " + msg.getClass().getSimpleName() + " does not belong on channel '"
          + t.channel() + (t.stream() == null ? "" : "/" + t.stream()) + "'");
      return;
    }
    ctx.getLog().debug("Received {} from {}", msg.getClass().getSimpleName(), t.deviceId());
    if (command instanceof DeviceTwin.PowerReceived p) {
      // the device's own (modelled) power, kept apart from bridge meters for calibration windows
      registry.tell(new DeviceRegistry.ToPower(new PowerKeeper.DevicePower(p.batch())));
    }
    registry.tell(new DeviceRegistry.Deliver(t.deviceId(), command));
  }

  private void routeMeterMessage(String meterId, String topic, byte[] payload) {
    PowerSampleBatch batch;
    try {
      batch = WireCodec.decode(payload, PowerSampleBatch.class);
    } catch (MalformedMessageException e) {
      unattributedMalformed++;
      ctx.getLog().warn("Dropped malformed message on meter topic {} ({}): {}", topic, classify(e.getMessage(), payload),
          e.getMessage());
      return;
    }
    if (!batch.meterId().equals(meterId)) {
      unattributedMalformed++;
      ctx.getLog().warn("Dropped power samples of meter '{}' that came on the topic of meter '{}'", batch.meterId(), meterId);
      return;
    }
    registry.tell(new DeviceRegistry.Deliver(batch.deviceId(), new DeviceTwin.PowerReceived(batch)));
    registry.tell(new DeviceRegistry.ToPower(new PowerKeeper.MeterBatch(batch)));
  }

  /** A bridge's clock echo for one of its meters, to the power keeper (which stamps its arrival). */
  private void routeMeterEcho(String meterId, byte[] payload, long arrivalNs) {
    ClockEcho echo;
    try {
      echo = WireCodec.decode(payload, ClockEcho.class);
    } catch (MalformedMessageException e) {
      unattributedMalformed++;
      ctx.getLog().warn("Dropped malformed clock echo of meter {}: {}", meterId, e.getMessage());
      return;
    }
    if (!echo.deviceId().equals(meterId)) {
      unattributedMalformed++;
      ctx.getLog().warn("Dropped a clock echo naming '{}' on the replies topic of meter '{}'", echo.deviceId(), meterId);
      return;
    }
    registry.tell(new DeviceRegistry.ToPower(new PowerKeeper.EchoReceived("meter", meterId, echo, arrivalNs)));
  }

  private static DeviceTwin.Command toTwinCommand(Topics.DeviceTopic t, WireMessage msg) {
    return switch (t.channel()) {
      case "hello" -> msg instanceof Hello h ? new DeviceTwin.HelloReceived(h) : null;
      case "state" -> msg instanceof State s ? new DeviceTwin.StateReceived(s) : null;
      case "replies" -> msg instanceof InferenceResult r ? new DeviceTwin.ResultReceived(r)
          : msg instanceof ErrorReply e ? new DeviceTwin.ErrorReceived(e)
          : msg instanceof ControlAck a ? new DeviceTwin.AckReceived(a) : null;
      case "telemetry" -> {
        if (Topics.STREAM_HEARTBEAT.equals(t.stream()) && msg instanceof Heartbeat h) yield new DeviceTwin.HeartbeatReceived(h);
        if (Topics.STREAM_POWER.equals(t.stream()) && msg instanceof PowerSampleBatch b) yield new DeviceTwin.PowerReceived(b);
        yield null;
      }
      default -> null;
    };
  }

  private void malformed(String deviceId, String reasonClass, String reason) {
    registry.tell(new DeviceRegistry.Deliver(deviceId, new DeviceTwin.MalformedReceived(reasonClass, reason)));
  }

  /** A short stable class of a decoding failure, for the {@code malformed} measurement's tag. */
  static String classify(String reason, byte[] payload) {
    if (payload == null || payload.length == 0) return "empty";
    if (reason != null && reason.startsWith("invalid ")) return "invalid-fields";
    if (reason != null && reason.startsWith("expected ")) return "unexpected-type";
    int i = 0;
    while (i < payload.length && Character.isWhitespace(payload[i])) i++;
    if (i == payload.length || payload[i] != '{') return "not-json";
    return "bad-json";
  }

  private static String failure(MqttPort.Result r, Throwable ex) {
    if (ex != null) return ex.toString();
    return r instanceof MqttPort.Result.Failed f ? f.reason() : null;
  }
}
