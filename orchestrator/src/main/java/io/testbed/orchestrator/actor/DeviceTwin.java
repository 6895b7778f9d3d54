package io.testbed.orchestrator.actor;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.testbed.orchestrator.config.OrchestratorSettings;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.policy.CapabilityCheck;
import io.testbed.orchestrator.port.TelemetrySink;
import com.fasterxml.jackson.databind.JsonNode;
import io.testbed.protocol.ControlAck;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.Outcome;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The orchestrator's twin of one device: last hello (capabilities), liveness (online/offline with the time it changed;
 * offline on a last-will state or after N missed heartbeat intervals), last heartbeat and counters. Sends inference
 * commands to its device and correlates the replies back to the asker; every request gets exactly one answer (the
 * device's result, or a failed one on timeout, offline device, refused capabilities or a failed publish).
 */
public final class DeviceTwin extends AbstractBehavior<DeviceTwin.Command> {

  /** Messages a twin understands. Polymorphic in JSON because the registry's envelope carries them. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = HelloReceived.class, name = "hello-received"),
    @JsonSubTypes.Type(value = StateReceived.class, name = "state-received"),
    @JsonSubTypes.Type(value = HeartbeatReceived.class, name = "heartbeat-received"),
    @JsonSubTypes.Type(value = PowerReceived.class, name = "power-received"),
    @JsonSubTypes.Type(value = ResultReceived.class, name = "result-received"),
    @JsonSubTypes.Type(value = ErrorReceived.class, name = "error-received"),
    @JsonSubTypes.Type(value = MalformedReceived.class, name = "malformed-received"),
    @JsonSubTypes.Type(value = GetState.class, name = "get-state"),
    @JsonSubTypes.Type(value = RunInference.class, name = "run-inference"),
    @JsonSubTypes.Type(value = SetRun.class, name = "set-run"),
    @JsonSubTypes.Type(value = ClearRun.class, name = "clear-run"),
    @JsonSubTypes.Type(value = Lease.class, name = "lease"),
    @JsonSubTypes.Type(value = Release.class, name = "release"),
    @JsonSubTypes.Type(value = HeartbeatTick.class, name = "heartbeat-tick"),
    @JsonSubTypes.Type(value = ReplyTimedOut.class, name = "reply-timed-out"),
    @JsonSubTypes.Type(value = CommandPublished.class, name = "command-published"),
    @JsonSubTypes.Type(value = RunControl.class, name = "run-control"),
    @JsonSubTypes.Type(value = AckReceived.class, name = "ack-received"),
    @JsonSubTypes.Type(value = ControlTimedOut.class, name = "control-timed-out")
  })
  public sealed interface Command extends JsonSerializable {}

  /** The device announced itself (retained hello). */
  public record HelloReceived(Hello hello) implements Command {}

  /** Retained state or last will. */
  public record StateReceived(State state) implements Command {}

  public record HeartbeatReceived(Heartbeat heartbeat) implements Command {}

  /** Power samples of a meter bound to this device (agent's modelled meter or a bridge). */
  public record PowerReceived(PowerSampleBatch batch) implements Command {}

  public record ResultReceived(InferenceResult result) implements Command {}

  public record ErrorReceived(ErrorReply error) implements Command {}

  /** A payload on one of this device's topics could not be used; {@code reasonClass} is a short stable token. */
  public record MalformedReceived(String reasonClass, String reason) implements Command {}

  public record GetState(ActorRef<DeviceView> replyTo) implements Command {}

  /**
   * Runs one inference on the device and answers {@link InferenceDone} exactly once.
   *
   * @param runId run tag for the result's time series, null = {@code none}
   * @param policy who chose the target ({@code fixed} for jobs)
   */
  public record RunInference(InferenceRequest request, String runId, String policy, ActorRef<InferenceDone> replyTo)
      implements Command {}

  /**
   * What to run. {@code precision} null = the target's; {@code dvfsLevelMHz} null = highest; offload fields only for
   * target {@code offload}.
   */
  public record InferenceRequest(
      String model,
      String target,
      Precision precision,
      int batchSize,
      long inputSeed,
      Integer dvfsLevelMHz,
      String offloadDeviceId,
      String offloadUrl,
      long timeoutMs) {}

  /** The answer to {@link RunInference}: the device's result or one the twin made up for a failure. */
  public record InferenceDone(String deviceId, InferenceResult result) implements JsonSerializable {}

  /** A job starts driving this device: telemetry is tagged with its id until {@link ClearRun}. */
  public record SetRun(String runId) implements Command {}

  public record ClearRun(String runId) implements Command {}

  /**
   * An experiment takes this device: its telemetry is tagged with the experiment's run id and jobs are refused (409)
   * until {@link Release}.
   */
  public record Lease(String runId) implements Command {}

  /** The experiment {@code runId} no longer drives this device (ignored when another run holds the lease). */
  public record Release(String runId) implements Command {}

  /**
   * Sends a control command ({@code SetInterference} or {@code SetNetwork}, built from {@code request} with the twin's
   * correlation id) and answers {@link ControlDone} exactly once: the device's {@code ControlAck}, or a refusal the
   * twin makes up ({@code timeout: ...} after {@code timeoutMs}, {@code device-offline: ...}, {@code publish-failed: ...},
   * {@code unknown-capabilities: ...}).
   */
  public record RunControl(ControlRequest request, long timeoutMs, ActorRef<ControlDone> replyTo) implements Command {}

  /** The device confirmed or refused a control command. */
  public record AckReceived(ControlAck ack) implements Command {}

  /**
   * The answer to {@link RunControl}.
   *
   * @param settings what the device applied ({@code ControlAck.settings}), an empty object when not applied
   * @param roundTripMs from sending the command to the answer
   */
  public record ControlDone(String deviceId, String correlationId, String kind, boolean applied, String error,
      JsonNode settings, double roundTripMs) implements JsonSerializable {}

  private record ControlTimedOut(String correlationId) implements Command {}

  private record PendingControl(RunControl run, String correlationId, String kind, long sentNs) {}

  private record HeartbeatTick() implements Command {}

  private record ReplyTimedOut(String correlationId) implements Command {}

  private record CommandPublished(String correlationId, String failure) implements Command {}

  private record Pending(RunInference run, InferenceCommand command, long sentNs) {}

  /** Error codes of results the twin makes up itself. */
  public static final String DEVICE_OFFLINE = "device-offline";
  public static final String TIMEOUT = "timeout";

  private static final JsonNode EMPTY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();

  public static Behavior<Command> create(
      String deviceId,
      ActorRef<MqttConnection.Command> mqtt,
      TelemetrySink sink,
      Clock clock,
      OrchestratorSettings settings) {
    return create(deviceId, mqtt, sink, clock, settings, null);
  }

  /** As above; {@code power} (may be null) writes the inference points of results, with the bound meter's energy. */
  public static Behavior<Command> create(
      String deviceId,
      ActorRef<MqttConnection.Command> mqtt,
      TelemetrySink sink,
      Clock clock,
      OrchestratorSettings settings,
      ActorRef<PowerKeeper.Command> power) {
    return Behaviors.withMdc(
        Command.class,
        Map.of("deviceId", deviceId),
        Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
          DeviceTwin t = new DeviceTwin(ctx, timers, deviceId, mqtt, sink, clock, settings);
          t.power = power;
          return t;
        })));
  }

  private final String deviceId;
  private final ActorRef<MqttConnection.Command> mqtt;
  private final TelemetrySink sink;
  private final Clock clock;
  private final OrchestratorSettings settings;
  private final TimerScheduler<Command> timers;
  private final String correlationPrefix;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, PendingControl> pendingControls = new LinkedHashMap<>();

  private ActorRef<PowerKeeper.Command> power;
  private Hello hello;
  private DeviceStatus status = DeviceStatus.OFFLINE;
  private long statusChangedNs;
  private Heartbeat lastHeartbeat;
  private Long lastSeenNs;
  private long malformed;
  private long resultsOk;
  private long resultsFailed;
  private int missedTicks;
  private String run;
  private String lease;
  private long seq;

  private DeviceTwin(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String deviceId,
      ActorRef<MqttConnection.Command> mqtt,
      TelemetrySink sink,
      Clock clock,
      OrchestratorSettings settings) {
    super(ctx);
    this.deviceId = deviceId;
    this.mqtt = mqtt;
    this.sink = sink;
    this.clock = clock;
    this.settings = settings;
    this.timers = timers;
    this.statusChangedNs = nowNs();
    this.correlationPrefix = deviceId + "-" + Long.toString(statusChangedNs, 36) + "-";
    timers.startTimerWithFixedDelay("heartbeat", new HeartbeatTick(), settings.device().heartbeatInterval());
    ctx.getLog().info("Twin of device {} started", deviceId);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HelloReceived.class, this::onHello)
        .onMessage(StateReceived.class, this::onState)
        .onMessage(HeartbeatReceived.class, this::onHeartbeat)
        .onMessage(PowerReceived.class, this::onPower)
        .onMessage(ResultReceived.class, this::onResult)
        .onMessage(ErrorReceived.class, this::onError)
        .onMessage(MalformedReceived.class, this::onMalformed)
        .onMessage(GetState.class, this::onGetState)
        .onMessage(RunInference.class, this::onRunInference)
        .onMessage(SetRun.class, this::onSetRun)
        .onMessage(ClearRun.class, this::onClearRun)
        .onMessage(Lease.class, this::onLease)
        .onMessage(Release.class, this::onRelease)
        .onMessage(HeartbeatTick.class, this::onHeartbeatTick)
        .onMessage(ReplyTimedOut.class, this::onReplyTimedOut)
        .onMessage(CommandPublished.class, this::onCommandPublished)
        .onMessage(RunControl.class, this::onRunControl)
        .onMessage(AckReceived.class, this::onAck)
        .onMessage(ControlTimedOut.class, this::onControlTimedOut)
        .build();
  }

  private Behavior<Command> onHello(HelloReceived m) {
    boolean first = hello == null;
    hello = m.hello();
    seen();
    getContext().getLog().info("Device {} {} hello: kind={}, profile={}, targets={}, models={}", deviceId,
        first ? "said" : "renewed its", hello.kind().wireName(), hello.profile(),
        hello.targets().stream().map(t -> t.id()).toList(), hello.models().stream().map(x -> x.name()).toList());
    return this;
  }

  private Behavior<Command> onState(StateReceived m) {
    seen();
    if (m.state().status() == DeviceStatus.ONLINE) {
      missedTicks = 0;
      changeStatus(DeviceStatus.ONLINE, "state online");
    } else {
      changeStatus(DeviceStatus.OFFLINE, "state offline (last will or clean shutdown)");
    }
    return this;
  }

  private Behavior<Command> onHeartbeat(HeartbeatReceived m) {
    seen();
    lastHeartbeat = m.heartbeat();
    missedTicks = 0;
    if (status == DeviceStatus.OFFLINE) changeStatus(DeviceStatus.ONLINE, "heartbeat");
    sink.write(Measurements.heartbeat(m.heartbeat(), hello == null ? null : hello.kind(), runTag()));
    return this;
  }

  private Behavior<Command> onPower(PowerReceived m) {
    Measurements.power(m.batch(), runTag()).forEach(sink::write);
    return this;
  }

  private Behavior<Command> onResult(ResultReceived m) {
    seen();
    InferenceResult r = m.result();
    Pending p = claim(pending, r.correlationId(), "reply");
    if (p != null) finish(p, r);
    return this;
  }

  /**
   * The request (inference or control) waiting for {@code correlationId}, taken off the waiting list with its
   * timeout cancelled; null, logged, for a late or duplicate {@code what}.
   */
  private <P> P claim(Map<String, P> waiting, String correlationId, String what) {
    P p = waiting.remove(correlationId);
    if (p == null) {
      getContext().getLog().info("Device {}: {} {} matches no waiting request (late or duplicate); dropped", deviceId, what, correlationId);
      return null;
    }
    timers.cancel(correlationId);
    return p;
  }

  private Behavior<Command> onError(ErrorReceived m) {
    seen();
    ErrorReply e = m.error();
    Pending p = e.correlationId() == null ? null : pending.remove(e.correlationId());
    if (p == null) {
      getContext().getLog().warn("Device {} reported error {}: {} (correlation {} matches no request)",
          deviceId, e.code(), e.message(), e.correlationId());
      return this;
    }
    timers.cancel(e.correlationId());
    finish(p, madeUp(p.command(), Outcome.REJECTED, e.code() + ": " + e.message(), p.sentNs()));
    return this;
  }

  private Behavior<Command> onMalformed(MalformedReceived m) {
    malformed++;
    getContext().getLog().warn("Device {}: dropped malformed message ({}): {}", deviceId, m.reasonClass(), m.reason());
    sink.write(Measurements.malformed(deviceId, m.reasonClass(), nowNs()));
    return this;
  }

  private Behavior<Command> onGetState(GetState m) {
    m.replyTo().tell(view());
    return this;
  }

  private Behavior<Command> onRunInference(RunInference m) {
    InferenceRequest q = m.request();
    String correlationId = correlationPrefix + (++seq);
    long now = nowNs();
    if (hello == null) {
      reply(m, rejected(m, correlationId, Outcome.REJECTED,
          "unknown-capabilities: device '" + deviceId + "' has not said hello yet", now));
      return this;
    }
    CapabilityCheck.Capabilities caps = new CapabilityCheck.Capabilities(deviceId, hello.targets(), hello.models());
    Optional<CapabilityCheck.Problem> problem =
        CapabilityCheck.check(caps, q.model(), q.target(), q.precision(), q.dvfsLevelMHz());
    if (problem.isPresent()) {
      reply(m, rejected(m, correlationId, Outcome.REJECTED, problem.get().code() + ": " + problem.get().message(), now));
      return this;
    }
    if (status == DeviceStatus.OFFLINE) {
      reply(m, rejected(m, correlationId, Outcome.FAILED, DEVICE_OFFLINE + ": device '" + deviceId + "' is offline", now));
      return this;
    }
    Precision precision = q.precision() != null ? q.precision() : CapabilityCheck.defaultPrecision(caps, q.model(), q.target());
    InferenceCommand command = new InferenceCommand(SchemaVersion.CURRENT, deviceId, now, correlationId, q.model(),
        q.target(), precision, q.batchSize(), q.inputSeed(), q.dvfsLevelMHz(), q.offloadDeviceId(), q.offloadUrl(),
        q.timeoutMs());
    pending.put(correlationId, new Pending(m, command, now));
    Duration wait = Duration.ofMillis(q.timeoutMs()).plus(settings.job().replyGrace());
    timers.startSingleTimer(correlationId, new ReplyTimedOut(correlationId), wait);
    getContext().getLog().debug("Device {}: sending command {} ({} on {})", deviceId, correlationId, q.model(), q.target());
    getContext().ask(
        MqttConnection.PublishResult.class,
        mqtt,
        wait,
        replyTo -> new MqttConnection.Publish(Topics.commands(deviceId), command, 1, false, replyTo),
        (res, ex) -> new CommandPublished(correlationId,
            ex != null ? "no answer from the MQTT connection: " + ex.getMessage() : res.failure()));
    return this;
  }

  private Behavior<Command> onRunControl(RunControl m) {
    String correlationId = correlationPrefix + (++seq);
    long now = nowNs();
    String kind = m.request().kind();
    if (hello == null) {
      m.replyTo().tell(new ControlDone(deviceId, correlationId, kind, false,
          "unknown-capabilities: device '" + deviceId + "' has not said hello yet", EMPTY, 0));
      return this;
    }
    if (status == DeviceStatus.OFFLINE) {
      m.replyTo().tell(new ControlDone(deviceId, correlationId, kind, false,
          DEVICE_OFFLINE + ": device '" + deviceId + "' is offline", EMPTY, 0));
      return this;
    }
    WireMessage command;
    try {
      command = m.request().toWire(deviceId, now, correlationId);
    } catch (IllegalArgumentException e) {
      m.replyTo().tell(new ControlDone(deviceId, correlationId, kind, false, "bad-control: " + e.getMessage(), EMPTY, 0));
      return this;
    }
    pendingControls.put(correlationId, new PendingControl(m, correlationId, kind, now));
    Duration wait = Duration.ofMillis(Math.max(1, m.timeoutMs()));
    timers.startSingleTimer(correlationId, new ControlTimedOut(correlationId), wait);
    getContext().getLog().info("Device {}: sending control {} ({})", deviceId, correlationId, m.request());
    getContext().ask(
        MqttConnection.PublishResult.class,
        mqtt,
        wait,
        replyTo -> new MqttConnection.Publish(Topics.commands(deviceId), command, 1, false, replyTo),
        (res, ex) -> new CommandPublished(correlationId,
            ex != null ? "no answer from the MQTT connection: " + ex.getMessage() : res.failure()));
    return this;
  }

  private Behavior<Command> onAck(AckReceived m) {
    seen();
    ControlAck a = m.ack();
    PendingControl p = claim(pendingControls, a.correlationId(), "control ack");
    if (p == null) return this;
    if (a.applied() && ControlRequest.NETWORK.equals(p.kind())) applyAckedSignal(a);
    JsonNode settingsTree = a.settings().isEmpty() ? EMPTY : WireCodec.mapper().valueToTree(new java.util.TreeMap<>(a.settings()));
    finishControl(p, a.applied(), a.applied() ? null : a.error(), settingsTree);
    return this;
  }

  /**
   * A network change the device confirmed updates the link RSSI the twin reports (and policies observe) at once,
   * instead of a heartbeat later: a policy deciding in between would otherwise learn from a stale state.
   */
  private void applyAckedSignal(ControlAck a) {
    if (lastHeartbeat == null || !(a.settings().get("rssiDbm") instanceof Number rssi)) return;
    java.util.Set<String> links = new java.util.LinkedHashSet<>();
    if (a.settings().get("links") instanceof java.util.Collection<?> c) c.forEach(l -> links.add(String.valueOf(l)));
    if (a.settings().get("link") instanceof String l && !l.equals(io.testbed.protocol.SetNetwork.ALL_LINKS)) links.add(l);
    if (links.isEmpty()) return;
    Map<String, Double> merged = new java.util.TreeMap<>(lastHeartbeat.linkRssiDbm() == null ? Map.of() : lastHeartbeat.linkRssiDbm());
    links.forEach(l -> merged.put(l, rssi.doubleValue()));
    Heartbeat h = lastHeartbeat;
    lastHeartbeat = new Heartbeat(h.schemaVersion(), h.deviceId(), h.timestampNs(), h.seq(), h.cpuUtilisation(), h.memoryUsedBytes(),
        h.memoryTotalBytes(), h.temperatureC(), h.temperatureSource(), h.rssiDbm(), h.coRunnerCpuUtilisation(), h.memoryPressure(),
        merged, h.mode());
  }

  private Behavior<Command> onControlTimedOut(ControlTimedOut m) {
    PendingControl p = pendingControls.remove(m.correlationId());
    if (p != null) {
      finishControl(p, false, TIMEOUT + ": no control ack within " + p.run().timeoutMs() + " ms", EMPTY);
    }
    return this;
  }

  private void finishControl(PendingControl p, boolean applied, String error, JsonNode settingsTree) {
    double ms = Math.max(0, nowNs() - p.sentNs()) / 1e6;
    if (applied) getContext().getLog().info("Device {}: control {} applied: {}", deviceId, p.correlationId(), settingsTree);
    else getContext().getLog().warn("Device {}: control {} not applied: {}", deviceId, p.correlationId(), error);
    p.run().replyTo().tell(new ControlDone(deviceId, p.correlationId(), p.kind(), applied, error, settingsTree, ms));
  }

  private Behavior<Command> onCommandPublished(CommandPublished m) {
    if (m.failure() == null) return this;
    PendingControl control = pendingControls.remove(m.correlationId());
    if (control != null) {
      timers.cancel(m.correlationId());
      finishControl(control, false, "publish-failed: " + m.failure(), EMPTY);
      return this;
    }
    Pending p = pending.remove(m.correlationId());
    if (p != null) {
      timers.cancel(m.correlationId());
      finish(p, madeUp(p.command(), Outcome.FAILED, "publish-failed: " + m.failure(), p.sentNs()));
    }
    return this;
  }

  private Behavior<Command> onReplyTimedOut(ReplyTimedOut m) {
    Pending p = pending.remove(m.correlationId());
    if (p != null) {
      getContext().getLog().warn("Device {}: no reply to {} within {} ms", deviceId, m.correlationId(),
          p.command().timeoutMs() + settings.job().replyGrace().toMillis());
      finish(p, madeUp(p.command(), Outcome.TIMEOUT, TIMEOUT + ": no reply within "
          + (p.command().timeoutMs() + settings.job().replyGrace().toMillis()) + " ms", p.sentNs()));
    }
    return this;
  }

  private Behavior<Command> onSetRun(SetRun m) {
    run = m.runId();
    return this;
  }

  private Behavior<Command> onClearRun(ClearRun m) {
    if (m.runId().equals(run)) run = null;
    return this;
  }

  private Behavior<Command> onLease(Lease m) {
    lease = m.runId();
    getContext().getLog().info("Device {} leased by experiment {}", deviceId, lease);
    return this;
  }

  private Behavior<Command> onRelease(Release m) {
    if (m.runId().equals(lease)) {
      lease = null;
      getContext().getLog().info("Device {} released by experiment {}", deviceId, m.runId());
    }
    return this;
  }

  private Behavior<Command> onHeartbeatTick(HeartbeatTick m) {
    if (status == DeviceStatus.ONLINE && ++missedTicks >= settings.device().offlineAfterMissedHeartbeats()) {
      changeStatus(DeviceStatus.OFFLINE, "missed " + missedTicks + " heartbeats");
    }
    return this;
  }

  private void changeStatus(DeviceStatus next, String why) {
    if (next == status) return;
    status = next;
    statusChangedNs = nowNs();
    getContext().getLog().info("Device {} is {} ({})", deviceId, next == DeviceStatus.ONLINE ? "online" : "offline", why);
    sink.write(Measurements.deviceState(deviceId, hello == null ? null : hello.kind(), next == DeviceStatus.ONLINE, statusChangedNs));
    if (next == DeviceStatus.OFFLINE && !pendingControls.isEmpty()) {
      List<PendingControl> controls = List.copyOf(pendingControls.values());
      pendingControls.clear();
      for (PendingControl p : controls) {
        timers.cancel(p.correlationId());
        finishControl(p, false, DEVICE_OFFLINE + ": device '" + deviceId + "' went offline (" + why + ")", EMPTY);
      }
    }
    if (next == DeviceStatus.OFFLINE && !pending.isEmpty()) {
      List<Pending> waiting = List.copyOf(pending.values());
      pending.clear();
      for (Pending p : waiting) {
        timers.cancel(p.command().correlationId());
        finish(p, madeUp(p.command(), Outcome.FAILED, DEVICE_OFFLINE + ": device '" + deviceId + "' went offline ("
            + why + ")", p.sentNs()));
      }
    }
  }

  private void finish(Pending p, InferenceResult result) {
    String runTag = p.run().runId() == null ? Measurements.NO_RUN : p.run().runId();
    if (power != null && result.outcome() == Outcome.OK) power.tell(new PowerKeeper.Annotate(result, runTag, p.run().policy()));
    else sink.write(Measurements.inference(result, runTag, p.run().policy()));
    reply(p.run(), result);
  }

  private void reply(RunInference m, InferenceResult result) {
    if (result.outcome() == Outcome.OK) resultsOk++;
    else resultsFailed++;
    m.replyTo().tell(new InferenceDone(deviceId, result));
  }

  /** A result for a request that never reached the device. */
  private InferenceResult rejected(RunInference m, String correlationId, Outcome outcome, String error, long now) {
    InferenceRequest q = m.request();
    Precision precision = q.precision() != null ? q.precision() : Precision.FP32;
    InferenceResult r = new InferenceResult(SchemaVersion.CURRENT, deviceId, now, correlationId, q.model(), q.target(),
        precision, deviceId, Math.max(1, q.batchSize()), outcome, error, 0, 0, null, now, now, null, null, null, null, null);
    String runTag = m.runId() == null ? Measurements.NO_RUN : m.runId();
    sink.write(Measurements.inference(r, runTag, m.policy()));
    return r;
  }

  /** A result the twin makes up for a command it sent (timeout, offline, refusal, publish failure). */
  private InferenceResult madeUp(InferenceCommand c, Outcome outcome, String error, long sentNs) {
    long now = nowNs();
    double waitedMs = Math.max(0, now - sentNs) / 1e6;
    return new InferenceResult(SchemaVersion.CURRENT, deviceId, now, c.correlationId(), c.model(), c.target(),
        c.precision(), deviceId, c.batchSize(), outcome, error, waitedMs, 0, null, sentNs, Math.max(sentNs, now), null, null,
        null, null, null);
  }

  private DeviceView view() {
    return new DeviceView(
        deviceId,
        hello == null ? null : hello.kind(),
        hello == null ? null : hello.profile(),
        status,
        statusChangedNs,
        hello != null,
        hello != null && hello.emulated(),
        hello == null ? null : hello.endpoint(),
        hello == null ? List.of() : hello.targets(),
        hello == null ? List.of() : hello.models(),
        hello == null ? List.of() : hello.sensors(),
        hello == null ? Map.of() : hello.software(),
        hello == null ? List.of() : hello.notes(),
        lastHeartbeat,
        lastSeenNs,
        malformed,
        resultsOk,
        resultsFailed,
        runTag(),
        lease);
  }

  private String runTag() {
    if (lease != null) return lease;
    return run == null ? Measurements.NO_RUN : run;
  }

  private void seen() {
    lastSeenNs = nowNs();
  }

  private long nowNs() {
    Instant i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
