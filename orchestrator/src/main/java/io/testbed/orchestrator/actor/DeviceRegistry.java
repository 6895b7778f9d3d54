package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.port.TelemetrySink;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Addresses device twins by device id, in the shape of Cluster Sharding: {@link Deliver} is the envelope (a twin is
 * spawned on the first message for its id) and {@link #twin} gives callers a {@link TwinRef} so they never hold a
 * twin's ActorRef. It also owns the MQTT connection actor that feeds it, and answers device queries for the REST API.
 */
public final class DeviceRegistry extends AbstractBehavior<DeviceRegistry.Command> {

  /** Messages of the registry. */
  public sealed interface Command extends JsonSerializable {}

  /** Envelope: deliver {@code message} to the twin of {@code deviceId}, spawning it if needed. */
  public record Deliver(String deviceId, DeviceTwin.Command message) implements Command {}

  /** All known devices. */
  public record GetDevices(ActorRef<Devices> replyTo) implements Command {}

  public record Devices(List<DeviceView> devices) implements JsonSerializable {}

  /** One device; answers {@link DeviceFound} or {@link DeviceNotFound} (a lookup never spawns a twin). */
  public record GetDevice(String deviceId, ActorRef<DeviceLookup> replyTo) implements Command {}

  /** Answer to {@link GetDevice}. */
  public sealed interface DeviceLookup extends JsonSerializable {}

  public record DeviceFound(DeviceView device) implements DeviceLookup {}

  public record DeviceNotFound(String deviceId) implements DeviceLookup {}

  /** The MQTT connection's status, asked through the registry that owns it. */
  public record GetConnectionStatus(ActorRef<MqttConnection.ConnectionStatus> replyTo) implements Command {}

  /** Envelope for the power keeper (clock echoes, meter batches, meter REST queries); it lives under the registry. */
  public record ToPower(PowerKeeper.Command message) implements Command {}

  private record LookupAnswered(String deviceId, DeviceView view, ActorRef<DeviceLookup> replyTo) implements Command {}

  private record TwinStopped(String deviceId) implements Command {}

  /** A location-transparent handle on a twin: messages travel through the registry by device id. */
  public static TwinRef twin(ActorRef<Command> registry, String deviceId) {
    return new TwinRef(registry, deviceId);
  }

  /**
   * @param connection builds the MQTT connection actor given the registry it must feed
   */
  public static Behavior<Command> create(
      Function<ActorRef<Command>, Behavior<MqttConnection.Command>> connection,
      TelemetrySink sink,
      Clock clock,
      OrchestratorSettings settings) {
    return Behaviors.setup(ctx -> new DeviceRegistry(ctx, connection, sink, clock, settings));
  }

  private final Map<String, ActorRef<DeviceTwin.Command>> twins = new HashMap<>();
  private final ActorRef<MqttConnection.Command> mqtt;
  private final ActorRef<PowerKeeper.Command> power;
  private final TelemetrySink sink;
  private final Clock clock;
  private final OrchestratorSettings settings;
  private long queries;

  private DeviceRegistry(
      ActorContext<Command> ctx,
      Function<ActorRef<Command>, Behavior<MqttConnection.Command>> connection,
      TelemetrySink sink,
      Clock clock,
      OrchestratorSettings settings) {
    super(ctx);
    this.sink = sink;
    this.clock = clock;
    this.settings = settings;
    this.mqtt = ctx.spawn(
        Behaviors.supervise(connection.apply(ctx.getSelf()))
            .onFailure(SupervisorStrategy.restartWithBackoff(
                java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(10), 0.2)),
        "mqtt-connection");
    this.power = ctx.spawn(Behaviors.supervise(PowerKeeper.create(mqtt, sink, clock,
            io.testbed.orchestrator.config.PowerMeterSettings.fromConfig(ctx.getSystem().settings().config())))
        .onFailure(SupervisorStrategy.restart()), "power");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Deliver.class, this::onDeliver)
        .onMessage(GetDevices.class, this::onGetDevices)
        .onMessage(GetDevice.class, this::onGetDevice)
        .onMessage(LookupAnswered.class, this::onLookupAnswered)
        .onMessage(GetConnectionStatus.class, this::onGetConnectionStatus)
        .onMessage(TwinStopped.class, this::onTwinStopped)
        .onMessage(ToPower.class, m -> {
          power.tell(m.message());
          return this;
        })
        .build();
  }

  private Behavior<Command> onDeliver(Deliver m) {
    twinOf(m.deviceId()).tell(m.message());
    return this;
  }

  private Behavior<Command> onGetDevices(GetDevices m) {
    getContext().spawn(DevicesQuery.create(Map.copyOf(twins), m.replyTo(), settings.askTimeout()), "devices-query-" + (++queries));
    return this;
  }

  private Behavior<Command> onGetDevice(GetDevice m) {
    ActorRef<DeviceTwin.Command> twin = twins.get(m.deviceId());
    if (twin == null) {
      m.replyTo().tell(new DeviceNotFound(m.deviceId()));
      return this;
    }
    getContext().ask(DeviceView.class, twin, settings.askTimeout(), DeviceTwin.GetState::new,
        (view, ex) -> new LookupAnswered(m.deviceId(), view, m.replyTo()));
    return this;
  }

  private Behavior<Command> onLookupAnswered(LookupAnswered m) {
    m.replyTo().tell(m.view() == null ? new DeviceNotFound(m.deviceId()) : new DeviceFound(m.view()));
    return this;
  }

  private Behavior<Command> onGetConnectionStatus(GetConnectionStatus m) {
    mqtt.tell(new MqttConnection.GetStatus(m.replyTo()));
    return this;
  }

  private Behavior<Command> onTwinStopped(TwinStopped m) {
    twins.remove(m.deviceId());
    return this;
  }

  private ActorRef<DeviceTwin.Command> twinOf(String deviceId) {
    ActorRef<DeviceTwin.Command> twin = twins.get(deviceId);
    if (twin == null) {
      twin = getContext().spawn(
          Behaviors.supervise(DeviceTwin.create(deviceId, mqtt, sink, clock, settings, power)).onFailure(SupervisorStrategy.restart()),
          "twin-" + deviceId);
      getContext().watchWith(twin, new TwinStopped(deviceId));
      twins.put(deviceId, twin);
      getContext().getLog().info("Registered device {} ({} known)", deviceId, twins.size());
    }
    return twin;
  }
}
