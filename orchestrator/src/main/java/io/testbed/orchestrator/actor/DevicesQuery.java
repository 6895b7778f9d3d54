package io.testbed.orchestrator.actor;

import io.testbed.orchestrator.model.DeviceView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Short-lived child of the registry that asks every twin for its state and answers once all replied or the timeout
 * passed (twins that did not answer are left out), then stops.
 */
public final class DevicesQuery extends AbstractBehavior<DevicesQuery.Command> {

  /** Messages of a devices query. */
  public sealed interface Command extends JsonSerializable {}

  private record WrappedView(DeviceView view) implements Command {}

  private record CollectionTimedOut() implements Command {}

  private record TwinGone(String deviceId) implements Command {}

  public static Behavior<Command> create(
      Map<String, ActorRef<DeviceTwin.Command>> twins, ActorRef<DeviceRegistry.Devices> replyTo, Duration timeout) {
    if (twins.isEmpty()) {
      return Behaviors.setup(ctx -> {
        replyTo.tell(new DeviceRegistry.Devices(List.of()));
        return Behaviors.stopped();
      });
    }
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(new CollectionTimedOut(), timeout);
      return new DevicesQuery(ctx, twins, replyTo);
    }));
  }

  private final ActorRef<DeviceRegistry.Devices> replyTo;
  private final Set<String> waiting;
  private final List<DeviceView> views = new ArrayList<>();

  private DevicesQuery(
      ActorContext<Command> ctx, Map<String, ActorRef<DeviceTwin.Command>> twins, ActorRef<DeviceRegistry.Devices> replyTo) {
    super(ctx);
    this.replyTo = replyTo;
    this.waiting = new HashSet<>(twins.keySet());
    ActorRef<DeviceView> adapter = ctx.messageAdapter(DeviceView.class, WrappedView::new);
    twins.forEach((id, twin) -> {
      ctx.watchWith(twin, new TwinGone(id));
      twin.tell(new DeviceTwin.GetState(adapter));
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(WrappedView.class, this::onView)
        .onMessage(TwinGone.class, this::onTwinGone)
        .onMessage(CollectionTimedOut.class, m -> respond())
        .build();
  }

  private Behavior<Command> onView(WrappedView m) {
    if (waiting.remove(m.view().id())) views.add(m.view());
    return waiting.isEmpty() ? respond() : this;
  }

  private Behavior<Command> onTwinGone(TwinGone m) {
    waiting.remove(m.deviceId());
    return waiting.isEmpty() ? respond() : this;
  }

  private Behavior<Command> respond() {
    views.sort(Comparator.comparing(DeviceView::id));
    replyTo.tell(new DeviceRegistry.Devices(List.copyOf(views)));
    return Behaviors.stopped();
  }
}
