package io.testbed.agent.app;

import io.testbed.agent.config.AgentSettings;
import io.testbed.agent.config.ScheduleConfig;
import io.testbed.agent.exec.ControlHandler;
import io.testbed.agent.interference.InterferenceGenerator;
import io.testbed.agent.network.LinkConditions;
import io.testbed.agent.network.NetworkState;
import io.testbed.agent.port.NetworkShaper;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import io.testbed.agent.exec.CommandHandler;
import io.testbed.agent.port.AgentClock;
import io.testbed.agent.port.CpuCap;
import io.testbed.agent.port.MqttPort;
import io.testbed.agent.power.ActivityLog;
import io.testbed.agent.power.ModelledPowerMeter;
import io.testbed.agent.telemetry.HeartbeatSampler;
import io.testbed.inference.InferenceEngine;
import io.testbed.protocol.Hello;
import io.testbed.protocol.State;
import io.testbed.protocol.Topics;
import io.testbed.protocol.WireCodec;
import io.testbed.protocol.WireMessage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started device agent. On every (re)connection it publishes its online state and hello (both retained) and
 * subscribes to its commands; it sends heartbeats and modelled power batches on its timer. {@link #close()} is the
 * clean shutdown: offline state published, connection closed, CPU cap removed.
 */
public final class RunningAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunningAgent.class);

  private final AgentSettings settings;
  private final String id;
  private final MqttPort mqtt;
  private final InferenceEngine engine;
  private final boolean ownsEngine;
  private final CpuCap cap;
  private final CommandHandler handler;
  private final HelloFactory hello;
  private final HeartbeatSampler heartbeats;
  private final ModelledPowerMeter meter;
  private final ActivityLog activity;
  private final ScheduledThreadPoolExecutor timer;
  private final AgentClock clock;
  private final AtomicLong unknownMessages = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Autoscale autoscale;
  private volatile io.testbed.agent.exec.SensorNode sensorNode;

  /** The AutoScale parts: control commands, stressors, link state, shaper (closed here when owned) and local schedules. */
  record Autoscale(ControlHandler controls, InterferenceGenerator interference, NetworkState network, NetworkShaper shaper, boolean ownsShaper,
      List<ScheduleConfig.LinkSchedule> schedules) {}

  RunningAgent(AgentSettings settings, MqttPort mqtt, InferenceEngine engine, boolean ownsEngine, CpuCap cap, CommandHandler handler,
      HelloFactory hello, HeartbeatSampler heartbeats, ModelledPowerMeter meter, ActivityLog activity, ScheduledThreadPoolExecutor timer,
      AgentClock clock, Autoscale autoscale) {
    this.autoscale = autoscale;
    this.settings = settings;
    this.id = settings.deviceId();
    this.mqtt = mqtt;
    this.engine = engine;
    this.ownsEngine = ownsEngine;
    this.cap = cap;
    this.handler = handler;
    this.hello = hello;
    this.heartbeats = heartbeats;
    this.meter = meter;
    this.activity = activity;
    this.timer = timer;
    this.clock = clock;
  }

  void begin(MqttPort.Will will) {
    String commands = Topics.commands(id);
    mqtt.start(id, will, new MqttPort.Listener() {
      @Override
      public void onConnected(boolean reconnect) {
        timer.execute(() -> announce(commands));
      }

      @Override
      public void onConnectionLost(String reason) {}

      @Override
      public void onMessage(String topic, byte[] payload) {
        if (commands.equals(topic)) {
          handler.onPayload(payload);
        } else {
          unknownMessages.incrementAndGet();
          LOG.warn("dropped message on unexpected topic {} ({} bytes)", topic, payload == null ? 0 : payload.length);
        }
      }
    });
    long hbMs = settings.heartbeatInterval().toMillis();
    timer.scheduleAtFixedRate(this::heartbeat, hbMs, hbMs, TimeUnit.MILLISECONDS);
    long sampleNs = Math.round(1e9 / settings.powerSampleRateHz());
    timer.scheduleAtFixedRate(() -> guarded("power sample", () -> meter.sample(clock.monotonicNs(), clock.epochNs())),
        sampleNs, sampleNs, TimeUnit.NANOSECONDS);
    long pubMs = settings.powerPublishInterval().toMillis();
    timer.scheduleAtFixedRate(this::publishPower, pubMs, pubMs, TimeUnit.MILLISECONDS);
    for (ScheduleConfig.LinkSchedule s : autoscale.schedules()) runSchedule(s);
  }

  /** Re-evaluates a local link schedule every tick; each change of conditions is applied and logged as an event. */
  private void runSchedule(ScheduleConfig.LinkSchedule s) {
    long start = clock.monotonicNs();
    AtomicReference<LinkConditions> last = new AtomicReference<>();
    timer.scheduleAtFixedRate(() -> guarded("link schedule " + s.link(), () -> {
      LinkConditions c = s.schedule().at((clock.monotonicNs() - start) / 1_000_000);
      if (c.equals(last.getAndSet(c))) return;
      autoscale.network().set(s.link(), c);
      if (NetworkState.ALL.equals(s.link())) autoscale.network().links().keySet().forEach(l -> autoscale.shaper().apply(l, c));
      else autoscale.shaper().apply(s.link(), c);
      LOG.info("event: schedule set network link {} to {}", s.link(), c.settings());
    }), 0, s.tick().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void announce(String commands) {
    if (closed.get()) return;
    connections.incrementAndGet();
    long now = clock.epochNs();
    mqtt.publish(Topics.state(id), WireCodec.encode(State.online(id, now)), 1, true);
    mqtt.publish(Topics.hello(id), WireCodec.encode(hello.hello(now)), 1, true);
    mqtt.subscribe(commands, 1).thenAccept(d -> {
      if (d.ok()) LOG.info("{} online: hello published, listening on {}", id, commands);
      else LOG.warn("{}: cannot subscribe to {}: {}", id, commands, d.error());
    });
  }

  private void heartbeat() {
    guarded("heartbeat", () -> {
      if (mqtt.isConnected()) {
        mqtt.publish(Topics.heartbeat(id), WireCodec.encode(heartbeats.next(clock.monotonicNs(), clock.epochNs())), 0, false);
      }
    });
  }

  private void publishPower() {
    guarded("power batch", () -> meter.drain(clock.epochNs()).ifPresent(b -> {
      if (mqtt.isConnected()) mqtt.publish(Topics.power(id), WireCodec.encode(b), 0, false);
    }));
  }

  private static void guarded(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", what, e.toString());
    }
  }

  void publishReply(WireMessage m) {
    mqtt.publish(Topics.replies(id), WireCodec.encode(m), 1, false).thenAccept(d -> {
      if (!d.ok()) LOG.warn("{}: reply {} not delivered: {}", id, m.getClass().getSimpleName(), d.error());
    });
  }

  public String deviceId() { return id; }

  public AgentSettings settings() { return settings; }

  /** Command payloads that were not valid commands (not JSON, wrong type, invalid fields). */
  public long malformedCommands() { return handler.malformedCommands(); }

  /** Well-formed commands refused (unknown model or target, impossible precision or level). */
  public long refusedCommands() { return handler.refusedCommands(); }

  public long completedCommands() { return handler.completedCommands(); }

  /** Commands queued or running right now. */
  public int pendingCommands() { return handler.pendingCommands(); }

  /** Messages that arrived on topics the agent does not handle. */
  public long unknownMessages() { return unknownMessages.get(); }

  /** Number of times the agent announced itself after a (re)connection. */
  public long connections() { return connections.get(); }

  public boolean connected() { return mqtt.isConnected(); }

  public boolean cpuCapEnforced() { return cap.enforced(); }

  /** The hello this agent publishes (timestamped now). */
  public Hello hello() { return hello.hello(clock.epochNs()); }

  public InferenceEngine engine() { return engine; }

  public ActivityLog activity() { return activity; }

  /** The co-runner stressors (levels set by SetInterference). */
  public InterferenceGenerator interference() { return autoscale.interference(); }

  /** The offload links' conditions (set by SetNetwork and local schedules). */
  public NetworkState network() { return autoscale.network(); }

  /** The shaper the offloads go through. */
  public NetworkShaper shaper() { return autoscale.shaper(); }

  /** Control commands applied / refused. */
  public long appliedControls() { return autoscale.controls().appliedControls(); }

  public long refusedControls() { return autoscale.controls().refusedControls(); }

  /** The sensor node (profiles of kind {@code sensor}), empty on other devices. */
  public java.util.Optional<io.testbed.agent.exec.SensorNode> sensorNode() { return java.util.Optional.ofNullable(sensorNode); }

  void sensorNode(io.testbed.agent.exec.SensorNode node) { this.sensorNode = node; }

  /** Clean shutdown: stop taking commands, publish the offline state, disconnect, remove the CPU cap. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    LOG.info("stopping agent {}", id);
    handler.shutdown(2000);
    timer.shutdownNow();
    autoscale.controls().close();
    autoscale.interference().close();
    try {
      if (mqtt.isConnected()) {
        mqtt.publish(Topics.state(id), WireCodec.encode(State.offline(id, clock.epochNs())), 1, true)
            .toCompletableFuture().get(3, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      LOG.warn("{}: offline state not confirmed: {}", id, e.toString());
    }
    mqtt.close();
    if (autoscale.ownsShaper()) autoscale.shaper().close();
    cap.close();
    if (ownsEngine) engine.close();
    LOG.info("agent {} stopped", id);
  }
}
